// Node (ESM): the module is compiled and instantiated synchronously from the file next to this one, so
// every export works as soon as the import resolves; `init()` is there for code shared with browsers.
import { readFileSync } from "node:fs";
import { initSync } from "./oidc_edge.js";

initSync({ module: readFileSync(new URL("./oidc_edge_bg.wasm", import.meta.url)) });

export * from "./api.js";

/** No-op: the module is already instantiated. */
export async function init() {}
