// The runtime's own types, spelled so that the package's declarations need no DOM library: a Node project
// (`lib: ["es2022"]` with `@types/node`), a Worker (`@cloudflare/workers-types`) and a browser project all
// compile them. A DOM `CryptoKey`, `Headers` or `WebAssembly.Module` is accepted wherever these are.

/** A WebCrypto key: `CryptoKey` of browsers, Workers and Node's `globalThis.crypto`, by its shape. */
export interface WebCryptoKey {
  readonly algorithm: { readonly name: string };
  readonly extractable: boolean;
  readonly type: string;
  readonly usages: readonly string[];
}

/** Header values for a `Headers` constructor: a `Headers`, `[name, value]` pairs or a record (DOM `HeadersInit`). */
export type HeadersLike = Headers | [string, string][] | Record<string, string>;

/** `WebAssembly.Module` where the project's types declare it (DOM, Workers), else nothing. */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never;

/**
 * Where `init()` loads the `.wasm` from: a URL (string or `URL`) or `Request` to fetch, a `Response` (or a
 * Promise of one), the bytes (`ArrayBuffer`, `Uint8Array`, a Node `Buffer`), or a compiled `WebAssembly.Module`.
 */
export type InitInput = string | URL | Request | Response | PromiseLike<Response> | ArrayBuffer | ArrayBufferView | WasmModule;
