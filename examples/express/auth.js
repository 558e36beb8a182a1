// The verifier, once per process, and an Express middleware that answers what RFC 6750 says when it refuses.
import { RemoteJwks, TokenVerifier, bearerChallenge } from "oidc-edge";

const verifier = new TokenVerifier({
  issuer: process.env.ISSUER, // the tokens' iss, exactly: https://idp.example.com
  audience: process.env.AUDIENCE, // what aud must contain: the API's identifier at the provider
  jwks: new RemoteJwks(process.env.JWKS_URI), // fetched when needed, cached, refetched for an unknown kid
  clockTolerance: 30, // seconds of leeway for exp/nbf
});

/** The bearer token of an `Authorization` header (RFC 6750 §2.1), or undefined. */
const bearerToken = (header) => /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header ?? "")?.[1];

/** Middleware: `req.auth` is the verified claims, or the request is answered here (401, 403, 503). */
export const requireScopes = (requiredScopes) => async (req, res, next) => {
  const token = bearerToken(req.get("authorization"));
  try {
    await verifier.ensureKeys(token); // resolves at once while the key set is fresh
    req.auth = verifier.verifyAccessToken(token, { requiredScopes });
    next();
  } catch (error) {
    // No token at all: a bare 401 challenge (RFC 6750 §3.1); otherwise the error's code decides.
    const { status, wwwAuthenticate } = bearerChallenge(token === undefined ? null : error, { realm: "api" });
    if (status === 500) return next(error); // a configuration error, not the client's
    console.log(`refused ${req.method} ${req.path}: ${error.code ?? "no token"}`);
    res.set("WWW-Authenticate", wwwAuthenticate).status(status).end();
  }
};
