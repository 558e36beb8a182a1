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
  scopesOf,
  hasScopes,
  requireScopes,
  ScopeRequirement,
  bearerChallenge,
} from "./oidc_edge.js";
