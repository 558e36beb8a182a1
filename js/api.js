// The public API, shared by every entry point (node.js, web.js, workerd.js). One list, so each runtime
// exports exactly the same names; index.d.ts documents each of them.
export {
  generatePkce,
  pkceChallenge,
  randomToken,
  parseProviderMetadata,
  buildAuthorizeUrl,
  parseCallback,
  buildEndSessionUrl,
  JwkSet,
  TokenVerifier,
} from "./oidc_edge.js";
