// The public API, shared by every entry point (node.js, web.js, workerd.js). One list, so each runtime
// exports exactly the same names; index.d.ts documents each of them.
export {
  generatePkce,
  pkceChallenge,
  randomToken,
  parseProviderMetadata,
  discover,
  discoveryUrls,
  buildAuthorizeUrl,
  buildPushedAuthorizationRequest,
  parsePushedAuthorizationResponse,
  pushAuthorizationRequest,
  startAuthorization,
  buildDeviceAuthorizationRequest,
  parseDeviceAuthorizationResponse,
  requestDeviceAuthorization,
  pollDeviceAuthorization,
  parseCallback,
  buildEndSessionUrl,
  parseStepUpChallenge,
  scopesOf,
  hasScopes,
  requireScopes,
  ScopeRequirement,
  bearerChallenge,
  // token endpoint and friends: sans-IO builders and parsers
  buildTokenRequest,
  parseTokenResponse,
  buildIntrospectionRequest,
  parseIntrospectionResponse,
  buildRevocationRequest,
  parseRevocationResponse,
  buildUserinfoRequest,
  parseUserinfoResponse,
  createClientAssertion,
  buildRegistrationRequest,
  parseRegistrationResponse,
  buildClientConfigurationRequest,
  parseClientConfigurationResponse,
  // ... and the fetch helpers that chain them
  exchangeCode,
  refreshTokens,
  clientCredentials,
  exchangeToken,
  introspect,
  revoke,
  userinfo,
  registerClient,
  readClient,
  updateClient,
  deleteClient,
  createDpopKey,
  importDpopKey,
  DpopKey,
  dpopFetch,
  RemoteJwks,
  ReplayCache,
  parseLogoutRequest,
  unverifiedIssuer,
  sessionLogoutKeys,
  isEndedBySessionLogout,
  JwkSet,
  TokenVerifier,
} from "./oidc_edge.js";
// The class of every error thrown, the same for every entry (js/errors.js).
export { OidcEdgeError } from "./errors.js";
// The edge verifier: a small composition of Promises and Responses around the wasm EdgeGuard.
import { EdgeGuard } from "./oidc_edge.js";
import { createEdgeVerifierWith } from "./edge.js";
/** @param {object} config see index.d.ts (EdgeVerifierConfig) */
export function createEdgeVerifier(config) {
  return createEdgeVerifierWith(EdgeGuard, config);
}
