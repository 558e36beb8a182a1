// Compiled (never run) by package.test.mjs as a Node project compiles it: `lib: ["es2022"]` (no DOM),
// `@types/node`, `skipLibCheck: false`. The declarations must need nothing from the DOM library.
import { readFileSync } from "node:fs";
import { init, JwkSet, TokenVerifier, OidcEdgeError, parseCallback, type Claims } from "oidc-edge";
import * as spa from "oidc-edge/spa";

// init() accepts the bytes (a Buffer), an ArrayBuffer, or nothing (a compiled module too, where the project's
// types declare WebAssembly: @types/node 20 does not; package.test.mjs passes one at run time).
const bytes = readFileSync(new URL(import.meta.resolve("oidc-edge/oidc_edge_spa_bg.wasm")));
await init();
await init(bytes);
await spa.init(bytes);
await spa.init(bytes.buffer);

const verifier = new TokenVerifier({ issuer: "https://idp.example.com", audience: "api",
  jwks: JwkSet.fromJson({ keys: [] }) });
// Verified ID-token and access-token claims always have `sub` (OIDC Core 2, RFC 9068 §2.2).
const id: string = verifier.verifyIdToken("a.b.c").sub;
const access: string = (await verifier.verifyAccessTokenAsync("a.b.c")).sub;
const spaId: string = (await new spa.TokenVerifier({ issuer: "https://i", audience: "c", jwks: spa.JwkSet.fromJson({ keys: [] }) })
  .verifyIdTokenAsync("a.b.c")).sub;
// A plain JWT need not have one.
const any: Claims = verifier.verify("a.b.c");
// @ts-expect-error `sub` is optional in Claims
const maybe: string = any.sub;

try {
  parseCallback("https://app.example/cb?code=c&state=x", { state: "y" });
} catch (e) {
  if (e instanceof spa.OidcEdgeError && e.code === "state_mismatch") console.log(e.message);
  if (e instanceof OidcEdgeError && e.code === "not_initialized") console.log("call init() first");
}
void [id, access, spaId, maybe];
