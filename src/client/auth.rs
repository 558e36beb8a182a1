//! Client authentication at the token, introspection and revocation endpoints: `none` (public clients,
//! RFC 6749 §2.1/§3.2.1), `client_secret_basic` (§2.3.1), `client_secret_post` (§2.3.1) and `private_key_jwt`
//! (RFC 7523 §2.2, OIDC Core §9) with an assertion already signed (see [`crate::client::assertion`]).

use crate::error::{Error, Result, quote};
use crate::wire::check_vschar;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `client_assertion_type` for a JWT assertion (RFC 7523 §2.2).
pub const JWT_BEARER_ASSERTION_TYPE: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAuth {
    /// A public client: only `client_id`, in the body.
    None {
        /// `client_id`.
        client_id: String,
    },
    /// HTTP Basic with the form-encoded id and secret (RFC 6749 §2.3.1).
    SecretBasic {
        /// `client_id`.
        client_id: String,
        /// `client_secret`.
        client_secret: String,
    },
    /// `client_id` and `client_secret` in the body (RFC 6749 §2.3.1, NOT RECOMMENDED by it but common).
    SecretPost {
        /// `client_id`.
        client_id: String,
        /// `client_secret`.
        client_secret: String,
    },
    /// A signed JWT client assertion (RFC 7523 §2.2); `client_id` is sent too (RFC 7521 §4.2 allows it).
    PrivateKeyJwt {
        /// `client_id`.
        client_id: String,
        /// The compact JWS, signed by the caller's key.
        client_assertion: String,
    },
}

impl ClientAuth {
    /// The client's identifier.
    pub fn client_id(&self) -> &str {
        match self {
            ClientAuth::None { client_id }
            | ClientAuth::SecretBasic { client_id, .. }
            | ClientAuth::SecretPost { client_id, .. }
            | ClientAuth::PrivateKeyJwt { client_id, .. } => client_id,
        }
    }

    /// The registered name of the method (`token_endpoint_auth_method`, OIDC Dynamic Registration §2).
    pub fn method(&self) -> &'static str {
        match self {
            ClientAuth::None { .. } => "none",
            ClientAuth::SecretBasic { .. } => "client_secret_basic",
            ClientAuth::SecretPost { .. } => "client_secret_post",
            ClientAuth::PrivateKeyJwt { .. } => "private_key_jwt",
        }
    }

    /// Adds the authentication to a request: the `authorization` header or body parameters.
    ///
    /// Errors (`invalid_request`): an empty `client_id` or one outside printable ASCII (RFC 6749 Appendix A);
    /// an empty secret; an assertion that is not three base64url parts.
    pub fn apply(
        &self,
        headers: &mut Vec<(String, String)>,
        form: &mut Vec<(String, String)>,
    ) -> Result<()> {
        check_vschar("clientId", self.client_id())?;
        match self {
            ClientAuth::None { client_id } => {
                form.push(("client_id".into(), client_id.clone()));
            }
            ClientAuth::SecretBasic {
                client_id,
                client_secret,
            } => {
                check_secret(client_secret)?;
                headers.push((
                    "authorization".into(),
                    basic_authorization(client_id, client_secret),
                ));
            }
            ClientAuth::SecretPost {
                client_id,
                client_secret,
            } => {
                check_secret(client_secret)?;
                form.push(("client_id".into(), client_id.clone()));
                form.push(("client_secret".into(), client_secret.clone()));
            }
            ClientAuth::PrivateKeyJwt {
                client_id,
                client_assertion,
            } => {
                check_compact_jws(client_assertion)?;
                form.push(("client_id".into(), client_id.clone()));
                form.push((
                    "client_assertion_type".into(),
                    JWT_BEARER_ASSERTION_TYPE.into(),
                ));
                form.push(("client_assertion".into(), client_assertion.clone()));
            }
        }
        Ok(())
    }
}

/// Client authentication as the caller chose it ([`ClientAuthOptions::new`]: the client id alone), before
/// [`ClientAuthOptions::resolve`] picks the method. `method` defaults to `client_secret_basic` with a
/// `client_secret`, `private_key_jwt` with a `client_assertion` or a signing key, and `none` otherwise. The
/// signing key itself (a `CryptoKey` or a callback) never reaches the core: the binding only says whether
/// there is one.
#[derive(Debug, Clone, Default)]
pub struct ClientAuthOptions {
    /// `client_id`.
    pub client_id: String,
    /// `none`, `client_secret_basic`, `client_secret_post` or `private_key_jwt`.
    pub method: Option<String>,
    /// The secret of `client_secret_basic` / `client_secret_post`.
    pub client_secret: Option<String>,
    /// A signed assertion for `private_key_jwt`, instead of a key.
    pub client_assertion: Option<String>,
    /// The assertion's `alg` (with a key; inferred from a `CryptoKey`).
    pub alg: Option<String>,
    /// The assertion's `kid`.
    pub key_id: Option<String>,
    /// The assertion's `aud`; default: the URL of the endpoint called.
    pub audience: Option<String>,
    /// The assertion's lifetime in seconds (default 60, at most 600).
    pub assertion_lifetime: Option<u64>,
}

/// What [`ClientAuthOptions::resolve`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedClientAuth {
    /// Ready to use.
    Ready(ClientAuth),
    /// `private_key_jwt` with a key: an assertion must be signed first (see [`crate::client::assertion`]).
    Sign {
        /// `client_id`.
        client_id: String,
        /// `aud`, when given.
        audience: Option<String>,
        /// `alg`, when given.
        alg: Option<String>,
        /// `kid`, when given.
        key_id: Option<String>,
        /// Lifetime in seconds.
        lifetime: u64,
    },
}

impl ClientAuthOptions {
    /// The options of `client_id` with nothing else chosen (a public client, unless more is set).
    pub fn new(client_id: impl Into<String>) -> Self {
        ClientAuthOptions {
            client_id: client_id.into(),
            ..Self::default()
        }
    }

    /// Picks the method and checks that exactly its inputs are there.
    ///
    /// Errors (`invalid_request`): an unknown method; a secret without a secret method, or the reverse;
    /// `private_key_jwt` with both or neither of `clientAssertion` and a key; assertion options (`alg`,
    /// `keyId`, `audience`, `assertionLifetime`) without a key.
    pub fn resolve(self, has_key: bool) -> Result<ResolvedClientAuth> {
        let method = match self.method.as_deref() {
            Some(m) => m,
            None if self.client_secret.is_some() => "client_secret_basic",
            None if self.client_assertion.is_some() || has_key => "private_key_jwt",
            None => "none",
        };
        let signing_options = self.alg.is_some()
            || self.key_id.is_some()
            || self.audience.is_some()
            || self.assertion_lifetime.is_some();
        let secret_method = matches!(method, "client_secret_basic" | "client_secret_post");
        if self.client_secret.is_some() && !secret_method {
            return Err(Error::InvalidRequest(format!(
                "clientSecret does not go with client authentication {method}",
                method = quote(method)
            )));
        }
        if method != "private_key_jwt" && (self.client_assertion.is_some() || has_key) {
            return Err(Error::InvalidRequest(format!(
                "clientAssertion and key do not go with client authentication {method}",
                method = quote(method)
            )));
        }
        if signing_options && !has_key {
            return Err(Error::InvalidRequest(
                "alg, keyId, audience and assertionLifetime are for signing with a key".into(),
            ));
        }
        let client_id = self.client_id;
        let secret = |s: Option<String>| {
            s.ok_or_else(|| Error::InvalidRequest(format!("{method} needs clientSecret")))
        };
        Ok(ResolvedClientAuth::Ready(match method {
            "none" => ClientAuth::None { client_id },
            "client_secret_basic" => ClientAuth::SecretBasic {
                client_id,
                client_secret: secret(self.client_secret)?,
            },
            "client_secret_post" => ClientAuth::SecretPost {
                client_id,
                client_secret: secret(self.client_secret)?,
            },
            "private_key_jwt" => match (self.client_assertion, has_key) {
                (Some(client_assertion), false) => ClientAuth::PrivateKeyJwt {
                    client_id,
                    client_assertion,
                },
                (None, true) => {
                    return Ok(ResolvedClientAuth::Sign {
                        client_id,
                        audience: self.audience,
                        alg: self.alg,
                        key_id: self.key_id,
                        lifetime: self
                            .assertion_lifetime
                            .unwrap_or(crate::client::assertion::DEFAULT_LIFETIME),
                    });
                }
                _ => {
                    return Err(Error::InvalidRequest(
                        "private_key_jwt needs exactly one of clientAssertion and key".into(),
                    ));
                }
            },
            other => {
                return Err(Error::InvalidRequest(format!(
                    "client authentication method {other} is not one of none, client_secret_basic, \
                     client_secret_post, private_key_jwt",
                    other = quote(other)
                )));
            }
        }))
    }
}

fn check_secret(secret: &str) -> Result<()> {
    if secret.is_empty() {
        return Err(Error::InvalidRequest(
            "clientSecret must not be empty".into(),
        ));
    }
    Ok(())
}

fn check_compact_jws(assertion: &str) -> Result<()> {
    let parts: Vec<&str> = assertion.split('.').collect();
    let ok = parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest(
            "clientAssertion must be a compact JWS (three base64url parts)".into(),
        ))
    }
}

/// The `Authorization` header value of `client_secret_basic`: id and secret each encoded with
/// `application/x-www-form-urlencoded` (RFC 6749 §2.3.1, Appendix B — UTF-8, space as `+`), THEN joined
/// with `:` and base64-encoded (RFC 7617). Encoding first is what lets either contain `:`.
pub fn basic_authorization(client_id: &str, client_secret: &str) -> String {
    let id: String = form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
    let secret: String = form_urlencoded::byte_serialize(client_secret.as_bytes()).collect();
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(header: &str) -> String {
        let b64 = header.strip_prefix("Basic ").unwrap();
        String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap()
    }

    #[test]
    fn basic_encodes_each_part_before_joining() {
        // RFC 6749 §2.3.1: the id and secret are form-encoded, then joined, then base64.
        let h = basic_authorization("s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw");
        assert_eq!(h, "Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3");
        let h = basic_authorization("my:client", "a:b%c d+e/é€");
        assert_eq!(decoded(&h), "my%3Aclient:a%3Ab%25c+d%2Be%2F%C3%A9%E2%82%AC");
        assert_eq!(
            h,
            "Basic bXklM0FjbGllbnQ6YSUzQWIlMjVjK2QlMkJlJTJGJUMzJUE5JUUyJTgyJUFD"
        );
        // unreserved characters stay as they are
        assert_eq!(
            decoded(&basic_authorization("a-b_c.d~e*", "x")),
            "a-b_c.d%7Ee*:x"
        );
    }

    #[test]
    fn applies_each_method() {
        let run = |auth: ClientAuth| {
            let (mut h, mut f) = (Vec::new(), Vec::new());
            auth.apply(&mut h, &mut f).map(|()| (h, f))
        };
        let (h, f) = run(ClientAuth::None {
            client_id: "spa".into(),
        })
        .unwrap();
        assert!(h.is_empty());
        assert_eq!(f, [("client_id".to_owned(), "spa".to_owned())]);

        let (h, f) = run(ClientAuth::SecretBasic {
            client_id: "c".into(),
            client_secret: "s".into(),
        })
        .unwrap();
        assert_eq!(h, [("authorization".to_owned(), "Basic Yzpz".to_owned())]);
        assert!(f.is_empty(), "no client_id in the body with basic");

        let (h, f) = run(ClientAuth::SecretPost {
            client_id: "c".into(),
            client_secret: "s".into(),
        })
        .unwrap();
        assert!(h.is_empty());
        assert_eq!(f.len(), 2);

        let (_, f) = run(ClientAuth::PrivateKeyJwt {
            client_id: "c".into(),
            client_assertion: "aa.bb.cc".into(),
        })
        .unwrap();
        assert_eq!(f[1].1, JWT_BEARER_ASSERTION_TYPE);
        assert_eq!(f[2], ("client_assertion".to_owned(), "aa.bb.cc".to_owned()));

        for bad in [
            ClientAuth::None {
                client_id: "".into(),
            },
            ClientAuth::None {
                client_id: "é".into(),
            },
            ClientAuth::SecretBasic {
                client_id: "c".into(),
                client_secret: "".into(),
            },
            ClientAuth::PrivateKeyJwt {
                client_id: "c".into(),
                client_assertion: "a.b".into(),
            },
            ClientAuth::PrivateKeyJwt {
                client_id: "c".into(),
                client_assertion: "a.b=.c".into(),
            },
        ] {
            assert_eq!(run(bad).unwrap_err().code(), "invalid_request");
        }
    }

    #[test]
    fn resolves_options() {
        let opts = |client_id: &str, set: &dyn Fn(&mut ClientAuthOptions)| {
            let mut o = ClientAuthOptions::new(client_id);
            set(&mut o);
            o
        };
        fn some(s: &str) -> Option<String> {
            Some(s.to_owned())
        }
        assert_eq!(
            opts("spa", &|_| {}).resolve(false).unwrap(),
            ResolvedClientAuth::Ready(ClientAuth::None {
                client_id: "spa".into()
            })
        );
        assert_eq!(
            opts("c", &|o| o.client_secret = some("s"))
                .resolve(false)
                .unwrap(),
            ResolvedClientAuth::Ready(ClientAuth::SecretBasic {
                client_id: "c".into(),
                client_secret: "s".into()
            })
        );
        assert!(matches!(
            opts("c", &|o| {
                o.method = some("client_secret_post");
                o.client_secret = some("s");
            })
            .resolve(false)
            .unwrap(),
            ResolvedClientAuth::Ready(ClientAuth::SecretPost { .. })
        ));
        assert!(matches!(
            opts("c", &|o| o.alg = some("ES256")).resolve(true).unwrap(),
            ResolvedClientAuth::Sign { lifetime: 60, .. }
        ));
        assert!(matches!(
            opts("c", &|o| o.client_assertion = some("a.b.c"))
                .resolve(false)
                .unwrap(),
            ResolvedClientAuth::Ready(ClientAuth::PrivateKeyJwt { .. })
        ));
        type Set = Box<dyn Fn(&mut ClientAuthOptions)>;
        let cases: Vec<(&str, Set, bool)> = vec![
            (
                "method client_secret_basic",
                Box::new(|o| o.method = some("client_secret_basic")),
                false,
            ),
            (
                "method none with a secret",
                Box::new(|o| {
                    o.method = some("none");
                    o.client_secret = some("s");
                }),
                false,
            ),
            (
                "method private_key_jwt",
                Box::new(|o| o.method = some("private_key_jwt")),
                false,
            ),
            (
                "assertion and key",
                Box::new(|o| o.client_assertion = some("a.b.c")),
                true,
            ),
            (
                "secret and key",
                Box::new(|o| o.client_secret = some("s")),
                true,
            ),
            (
                "alg without key",
                Box::new(|o| o.alg = some("ES256")),
                false,
            ),
            (
                "method client_secret_jwt",
                Box::new(|o| o.method = some("client_secret_jwt")),
                false,
            ),
        ];
        for (name, set, key) in cases {
            assert_eq!(
                opts("c", &*set).resolve(key).unwrap_err().code(),
                "invalid_request",
                "{name} {key}"
            );
        }
    }
}
