// Node (ESM): the module is compiled and instantiated synchronously from the file next to this one, so
// every export works as soon as the import resolves; `init()` is there for code shared with browsers.
// node:crypto is handed to the module once: the sync and Async verify methods check RS*, PS*, ES256/384/512
// and EdDSA signatures with it (every rule, and the choice of key and algorithm, stay in the wasm core).
import * as crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { initSync, __oidcEdgeNodeCrypto, __oidcEdgeErrorClass } from "./oidc_edge.js";
import { OidcEdgeError } from "./errors.js";

initSync({ module: readFileSync(new URL("./oidc_edge_bg.wasm", import.meta.url)) });
__oidcEdgeErrorClass(OidcEdgeError);
__oidcEdgeNodeCrypto(crypto);

export * from "./api.js";

/**
 * No-op, so that code shared with browsers runs unchanged: the module is already instantiated from the
 * package's own `.wasm`. Whatever `input` is (bytes, a `WebAssembly.Module`, a URL), it is not needed here.
 * @param {unknown} [input]
 */
export async function init(input) {}
