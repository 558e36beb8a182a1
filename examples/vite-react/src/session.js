// The app's one session: the provider and client come from .env (VITE_OIDC_ISSUER, VITE_OIDC_CLIENT_ID).
import { init, createSession } from "oidc-edge/spa";
// The .wasm's URL as Vite serves it: in `vite build` an emitted asset, and in `vite dev` the file in node_modules
// (pre-bundling moves the package's JS into node_modules/.vite/deps, away from the .wasm its own URL points at).
import wasmUrl from "oidc-edge/oidc_edge_spa_bg.wasm?url";

await init(wasmUrl);
export const session = createSession({
  issuer: import.meta.env.VITE_OIDC_ISSUER,
  clientId: import.meta.env.VITE_OIDC_CLIENT_ID,
  redirectUri: `${location.origin}/callback`,
  postLogoutRedirectUri: `${location.origin}/`,
  scope: "openid profile email",
});
