// Node (ESM): the module is compiled and instantiated synchronously from the file next to this one, so
// every export works as soon as the import resolves; `init()` is there for code shared with browsers.
// node:crypto is handed to the module once: the sync and Async verify methods check RS*, PS*, ES256/384/512
// and EdDSA signatures with it (every rule, and the choice of key and algorithm, stay in the wasm core).
import * as crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { initSync, __oidcEdgeNodeCrypto } from "./oidc_edge.js";

initSync({ module: readFileSync(new URL("./oidc_edge_bg.wasm", import.meta.url)) });
__oidcEdgeNodeCrypto(crypto);

export * from "./api.js";

/** No-op: the module is already instantiated. */
export async function init() {}
