// A real OpenID provider for tests and demos: oidc-provider on 127.0.0.1 (random port), with devInteractions,
// a public PKCE client and confidential clients. `startProvider()` resolves to `{ issuer, provider, close() }`;
// `login()` drives an authorization request through the devInteractions login and consent forms with plain
// fetch (redirects followed by hand, cookies kept in a jar) and returns the redirect URL with the code.
import { createServer } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import Provider, { errors } from "oidc-provider";
import { createMemoryAdapter } from "oidc-provider/lib/adapters/memory_adapter.js";
import { createLocalJWKSet, jwtVerify } from "jose";

export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const TOKEN_TYPE = "urn:ietf:params:oauth:token-type:";

/** The public SPA client: PKCE, no secret. */
export const SPA = { clientId: "spa", redirectUri: "http://127.0.0.1/cb" };
/** A confidential client with client_secret_basic; its secret has characters Basic auth must encode. */
export const BASIC = { clientId: "svc:basic", clientSecret: "sec:ret%25 with space+plus" };
/** A confidential client with client_secret_post. */
export const POST = { clientId: "svc-post", clientSecret: "post secret: 100% +" };

function defaultClients() {
  return [
    {
      client_id: SPA.clientId,
      token_endpoint_auth_method: "none",
      redirect_uris: [SPA.redirectUri],
      post_logout_redirect_uris: ["http://127.0.0.1/logged-out"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
    {
      client_id: BASIC.clientId,
      client_secret: BASIC.clientSecret,
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["client_credentials", TOKEN_EXCHANGE],
      response_types: [],
      redirect_uris: [],
      scope: "api:read api:write",
    },
    {
      client_id: POST.clientId,
      client_secret: POST.clientSecret,
      token_endpoint_auth_method: "client_secret_post",
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "api:read",
    },
  ];
}

/** A new RS256 signing key (private JWK). */
function signingKey(kid) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
}
/** The public part of a private JWK. */
const publicJwk = ({ d, p, q, dp, dq, qi, ...jwk }) => jwk;

/**
 * Starts oidc-provider on 127.0.0.1:0.
 * @param {object} [opts]
 * @param {object[]} [opts.clients] clients added to the default ones (spa, svc:basic, svc-post).
 * @param {Record<string, { scope: string, audience?: string, accessTokenTTL?: number }>} [opts.resourceServers]
 *   turns on RFC 8707 resource indicators: each key is a resource URI whose access tokens are RFC 9068 JWTs
 *   (RS256, `aud` = the resource or `audience`, `accessTokenTTL` seconds, default 600) granting at most `scope`.
 *   Any other `resource` is `invalid_target`.
 * @param {boolean} [opts.jwtUserinfo] turns on signed UserInfo responses (OIDC Core §5.3.2) for clients that
 *   register `userinfo_signed_response_alg`.
 * @param {string[]} [opts.scopes] scopes the provider knows besides openid, offline_access, profile, email,
 *   api:read and api:write.
 * @param {Record<string, number>} [opts.ttl] lifetimes in seconds that replace the defaults (e.g. `{ IdToken: 60 }`).
 * @param {object} [opts.features] further oidc-provider features, e.g. `{ pushedAuthorizationRequests: { … } }`.
 * @param {boolean} [opts.loopbackFetch] let the provider's own requests (back-channel logout, a client's jwks_uri)
 *   reach servers on 127.0.0.1: oidc-provider's fetch refuses special-use addresses (its SSRF guard), which is
 *   right in production and in the way of a test's loopback endpoint.
 * @param {boolean} [opts.atHash] put `at_hash` in ID tokens issued by the token endpoint too. OIDC Core 3.1.3.8
 *   makes it optional in the code flow and oidc-provider leaves it out; the demo turns it on to show the check.
 * @returns {Promise<{ issuer: string, provider: Provider, signingJwks: { keys: object[] },
 *   privateJwks: { keys: object[] }, tokenExchanges: object[], rotateKeys(kid?: string): string,
 *   close(): Promise<void> }>} (`privateJwks`: the signing keys with their private parts, for a test that forges
 *   a token with this provider's own key)
 */
export async function startProvider(opts = {}) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const signingKeys = [signingKey("provider-rs256")];
  const signingJwks = { keys: signingKeys.map(publicJwk) };

  // One instance per key set (rotateKeys makes the next); they share one in-memory store, so grants and
  // refresh tokens outlive a rotation as they outlive a provider's restart with a database.
  const adapter = createMemoryAdapter();
  const tokenExchanges = [];
  const build = () => {
    const provider = new Provider(issuer, {
      clients: [...defaultClients(), ...(opts.clients ?? [])],
      adapter,
      jwks: { keys: signingKeys },
      cookies: { keys: ["test-cookie-key-not-secret"] },
      ttl: {
        // a resource server's own lifetime (resourceServers' accessTokenTTL), else 600 s
        AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 600, AuthorizationCode: 60, ClientCredentials: 600, IdToken: 600, RefreshToken: 3600,
        Interaction: 600, Session: 3600, Grant: 3600, ...opts.ttl,
      },
      scopes: ["openid", "offline_access", "profile", "email", "api:read", "api:write", ...(opts.scopes ?? [])],
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      features: {
        devInteractions: { enabled: true },
        introspection: { enabled: true, allowedPolicy: async () => true },
        revocation: { enabled: true, allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId },
        clientCredentials: { enabled: true },
        rpInitiatedLogout: { enabled: true },
        jwtUserinfo: { enabled: Boolean(opts.jwtUserinfo) },
        ...opts.features,
        ...(opts.resourceServers && {
          resourceIndicators: {
            enabled: true,
            // the token endpoint issues the access token for the resource the authorization request named
            useGrantedResource: async () => true,
            async getResourceServerInfo(ctx, resource) {
              const server = opts.resourceServers[resource];
              if (!server) throw new errors.InvalidTarget(`unknown resource ${resource}`);
              return {
                scope: server.scope,
                audience: server.audience ?? resource,
                accessTokenFormat: "jwt",
                accessTokenTTL: server.accessTokenTTL ?? 600,
                jwt: { sign: { alg: "RS256" } },
              };
            },
          },
        }),
      },
      async findAccount(ctx, id) {
        return {
          accountId: id,
          async claims() {
            return { sub: id, email: `${id}@example.com`, email_verified: true, name: "Test User" };
          },
        };
      },
      issueRefreshToken: async (ctx, client) => client.grantTypeAllowed("refresh_token"),
      ...(opts.loopbackFetch && {
        fetch: (url, { dispatcher, ...init }) => globalThis.fetch(url, init),
      }),
    });
    provider.on("server_error", (ctx, err) => console.error("oidc-provider server_error", err));
    if (opts.atHash) {
      // Remember each access token issued in this request, and hash it into the ID token issued with it.
      const { AccessToken, IdToken } = provider;
      const save = AccessToken.prototype.save;
      AccessToken.prototype.save = async function saveAndRemember(...args) {
        const value = await save.apply(this, args);
        if (Provider.ctx) Provider.ctx.state.issuedAccessToken = value;
        return value;
      };
      const issue = IdToken.prototype.issue;
      IdToken.prototype.issue = function issueWithAtHash(args) {
        const at = this.ctx?.state?.issuedAccessToken;
        if (args?.use === "idtoken" && at && this.extra.at_hash === undefined) this.set("at_hash", at);
        return issue.call(this, args);
      };
    }

    // RFC 8693 token exchange is not built into oidc-provider: this grant accepts an access token (looked up) or
    // an ID token (verified against the provider's keys) and issues a client-credentials style access token.
    provider.registerGrantType(
      TOKEN_EXCHANGE,
      async (ctx) => {
        const params = { ...ctx.oidc.params };
        tokenExchanges.push(params);
        const type = params.subject_token_type;
        let sub;
        if (type === `${TOKEN_TYPE}access_token`) {
          const at = await ctx.oidc.provider.AccessToken.find(params.subject_token);
          if (!at) throw new errors.InvalidGrant("subject_token is not an active access token");
          sub = at.accountId;
        } else if (type === `${TOKEN_TYPE}id_token`) {
          try {
            const { payload } = await jwtVerify(params.subject_token, createLocalJWKSet(signingJwks), { issuer });
            sub = payload.sub;
          } catch {
            throw new errors.InvalidGrant("subject_token is not a valid ID token");
          }
        } else {
          throw new errors.InvalidRequest(`unsupported subject_token_type ${type}`);
        }
        const token = new ctx.oidc.provider.ClientCredentials({
          client: ctx.oidc.client,
          scope: params.scope ?? "api:read",
          extra: { sub },
        });
        ctx.body = {
          access_token: await token.save(),
          issued_token_type: `${TOKEN_TYPE}access_token`,
          token_type: "Bearer",
          expires_in: token.expiration,
          scope: token.scope,
        };
      },
      ["subject_token", "subject_token_type", "requested_token_type", "audience", "scope", "actor_token", "actor_token_type", "resource"],
      ["audience", "resource"],
    );
    return provider;
  };
  let provider = build();
  let handle = provider.callback();

  server.on("request", (req, res) => handle(req, res));
  const sockets = new Set();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return {
    issuer,
    get provider() {
      return provider;
    },
    signingJwks,
    get privateJwks() {
      return { keys: [...signingKeys] };
    },
    tokenExchanges,
    /**
     * Rotates the signing keys, as a provider restarted with a new key does: a new RS256 key (`kid` given or
     * generated) signs from now on and is published first, the previous keys stay published. The provider
     * instance is a new one (listeners on the old `provider` no longer hear it).
     */
    rotateKeys(kid = `provider-rs256-${signingKeys.length + 1}`) {
      signingKeys.unshift(signingKey(kid));
      signingJwks.keys = signingKeys.map(publicJwk);
      provider = build();
      handle = provider.callback();
      return kid;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Logs in through devInteractions: GET the authorization URL, answer the login form (`login` = `user`) and the
 * consent form, following redirects by hand with a cookie jar, until the provider redirects to `redirectUri`.
 * @param {object} [opts]
 * @param {Record<string, string>} [opts.fields] values for the form fields of these names, on every page that has
 *   them (e.g. the device flow's `user_code`, or `abort`).
 * @param {(html: string) => boolean} [opts.until] stop at the first page for which it holds (a page with no
 *   redirect at the end, such as the device flow's success page) and return its HTML.
 * @returns {Promise<string>} the redirect URL (with `code`, `state`, `iss`), or the HTML of the `until` page.
 */
export async function login(authorizeUrl, redirectUri, user = "alice", { fields = {}, until } = {}) {
  const jar = new Map();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  let url = authorizeUrl;
  let init = { method: "GET" };
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...init.headers, cookie: cookieHeader() } });
    remember(res);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get("location"), url).href;
      await res.arrayBuffer();
      if (location.startsWith(redirectUri)) return location;
      url = location;
      init = { method: "GET" };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`login: ${url} answered ${res.status}: ${html.slice(0, 300)}`);
    if (until?.(html)) return html;
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`login: no form at ${url}: ${html.slice(0, 300)}`);
    const form = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
      form.set(name, value);
    }
    if (/name="login"/.test(html)) {
      form.set("login", user);
      form.set("password", "any");
    }
    for (const [name, value] of Object.entries(fields)) if (html.includes(`name="${name}"`)) form.set(name, value);
    url = new URL(action.replaceAll("&amp;", "&"), url).href;
    init = { method: "POST", body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
  }
  throw new Error("login: too many steps");
}
