//! The authorization request (RFC 6749 §4.1.1, OIDC Core 3.1.2.1, RFC 7636 §4.3, RFC 8707 §2) and the
//! RP-initiated logout request (OpenID Connect RP-Initiated Logout 1.0 §2).

use crate::client::pkce::{self, ChallengeMethod};
use crate::error::{Error, Result, quote};
use crate::wire::{OneOrMany, check_non_empty, check_scope_token, check_vschar};
use crate::wire::{append_query, parse_absolute, parse_endpoint, query_names};
use std::collections::{BTreeMap, HashSet};

/// Everything that goes into an authorization request URL ([`AuthorizeRequest::new`] sets what every request
/// needs; the rest are the optional parameters).
#[derive(Debug, Clone, Default)]
pub struct AuthorizeRequest {
    /// The provider's `authorization_endpoint`; its own query parameters are kept. Left out (empty) in a
    /// pushed request, whose URL is built from `request_uri` afterwards.
    pub authorization_endpoint: String,
    /// `client_id`.
    pub client_id: String,
    /// `redirect_uri`: absolute, no fragment.
    pub redirect_uri: String,
    /// `scope`: a space-separated string or a list of scope tokens; at least one.
    pub scope: OneOrMany,
    /// `state`: the CSRF token the callback must bring back.
    pub state: String,
    /// `nonce`, bound into the ID token.
    pub nonce: Option<String>,
    /// `code_challenge` (RFC 7636).
    pub code_challenge: Option<String>,
    /// `code_challenge_method`, `S256` unless said otherwise; sent whenever a challenge is.
    pub code_challenge_method: Option<String>,
    /// `response_type`, `code` by default.
    pub response_type: Option<String>,
    /// `response_mode`.
    pub response_mode: Option<String>,
    /// `prompt`: space-separated; `none` only alone.
    pub prompt: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `max_age` in seconds.
    pub max_age: Option<u64>,
    /// `acr_values`.
    pub acr_values: Option<OneOrMany>,
    /// `resource` indicators (RFC 8707), one parameter each.
    pub resource: Option<OneOrMany>,
    /// Further parameters; none may repeat a parameter set above.
    pub extra_params: Option<BTreeMap<String, String>>,
    /// `dpop_jkt` (RFC 9449 §10): the thumbprint of the DPoP key the code is to be bound to.
    pub dpop_jkt: Option<String>,
}

impl AuthorizeRequest {
    /// A request of `response_type=code` with no optional parameter and no endpoint yet (a pushed request
    /// keeps it so; otherwise set `authorization_endpoint` before [`AuthorizeRequest::build`]).
    pub fn new(
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
        scope: impl Into<OneOrMany>,
        state: impl Into<String>,
    ) -> Self {
        AuthorizeRequest {
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            scope: scope.into(),
            state: state.into(),
            ..Self::default()
        }
    }

    /// Checks every field and builds the URL.
    ///
    /// Errors (`invalid_request` unless said): endpoint not https (http only on loopback) or with a fragment;
    /// empty or non-ASCII `client_id`/`state`; `redirect_uri` not absolute or with a fragment; no scope, or a
    /// scope with characters RFC 6749 §3.3 forbids; a challenge that does not fit its method, or a method
    /// without a challenge; `prompt=none` with other values; a `resource` that is not an absolute URI without
    /// fragment; a parameter given twice (by `extraParams` or the endpoint's own query).
    pub fn build(&self) -> Result<String> {
        let endpoint = parse_endpoint("authorizationEndpoint", &self.authorization_endpoint)?;
        let pairs = self.params(query_names(&endpoint))?;
        Ok(append_query(&endpoint, &pairs))
    }

    /// Checks every field but the endpoint and gives the parameters, in order; `taken` are names already
    /// present (the endpoint's query), which none may repeat. Errors: as [`AuthorizeRequest::build`].
    pub(crate) fn params(&self, taken: Vec<String>) -> Result<Vec<(String, String)>> {
        let mut params = Params::new(taken);

        let response_type = self.response_type.as_deref().unwrap_or("code");
        check_response_type(response_type)?;
        params.add("response_type", response_type)?;
        check_vschar("clientId", &self.client_id)?;
        params.add("client_id", &self.client_id)?;
        parse_absolute("redirectUri", &self.redirect_uri)?;
        params.add("redirect_uri", &self.redirect_uri)?;
        params.add("scope", &scope_string(&self.scope)?)?;
        check_vschar("state", &self.state)?;
        params.add("state", &self.state)?;

        if let Some(nonce) = &self.nonce {
            check_vschar("nonce", nonce)?;
            params.add("nonce", nonce)?;
        } else if response_type.split(' ').any(|t| t == "id_token") {
            // OIDC Core 3.2.2.1 / 3.3.2.11: nonce is REQUIRED whenever the ID token comes from the authorization endpoint.
            return Err(Error::InvalidRequest(format!(
                "response_type {response_type} requires a nonce",
                response_type = quote(response_type)
            )));
        }

        match (&self.code_challenge, &self.code_challenge_method) {
            (Some(challenge), method) => {
                let method: ChallengeMethod = method.as_deref().unwrap_or("S256").parse()?;
                pkce::check_challenge(challenge, method)?;
                params.add("code_challenge", challenge)?;
                params.add("code_challenge_method", method.as_str())?;
            }
            (None, Some(_)) => {
                return Err(Error::InvalidRequest(
                    "codeChallengeMethod given without codeChallenge".into(),
                ));
            }
            (None, None) => {}
        }

        if let Some(mode) = &self.response_mode {
            check_scope_token("responseMode", mode)?;
            params.add("response_mode", mode)?;
        }
        if let Some(prompt) = &self.prompt {
            params.add("prompt", &prompt_string(prompt)?)?;
        }
        if let Some(hint) = &self.login_hint {
            check_non_empty("loginHint", hint)?;
            params.add("login_hint", hint)?;
        }
        if let Some(max_age) = self.max_age {
            params.add("max_age", &max_age.to_string())?;
        }
        if let Some(acr) = &self.acr_values {
            let values = acr.space_separated();
            for v in &values {
                check_scope_token("acrValues entry", v)?;
            }
            if values.is_empty() {
                return Err(Error::InvalidRequest("acrValues must not be empty".into()));
            }
            params.add("acr_values", &values.join(" "))?;
        }
        if let Some(resource) = &self.resource {
            let values = resource.values();
            if values.is_empty() {
                return Err(Error::InvalidRequest("resource must not be empty".into()));
            }
            for r in values {
                parse_absolute("resource", r)?;
                params.add_repeatable("resource", r);
            }
        }
        if let Some(jkt) = &self.dpop_jkt {
            // an RFC 7638 SHA-256 thumbprint: 32 bytes, base64url without padding
            let ok = jkt.len() == 43
                && jkt
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !ok {
                return Err(Error::InvalidRequest(
                    "dpopJkt must be a SHA-256 JWK thumbprint (43 base64url characters, RFC 9449 §10)"
                        .into(),
                ));
            }
            params.add("dpop_jkt", jkt)?;
        }
        for (name, value) in self.extra_params.iter().flatten() {
            check_scope_token("extraParams name", name)?;
            params.add(name, value)?;
        }
        Ok(params.pairs)
    }
}

/// The RP-initiated logout request ([`EndSessionRequest::new`]: the endpoint alone; every parameter optional).
#[derive(Debug, Clone, Default)]
pub struct EndSessionRequest {
    /// The provider's `end_session_endpoint`; its own query parameters are kept.
    pub end_session_endpoint: String,
    /// `id_token_hint`: the ID token last issued to the client.
    pub id_token_hint: Option<String>,
    /// `post_logout_redirect_uri`: absolute, no fragment.
    pub post_logout_redirect_uri: Option<String>,
    /// `state`, brought back to the post-logout redirect URI.
    pub state: Option<String>,
    /// `client_id`, needed with `post_logout_redirect_uri` when there is no `id_token_hint`.
    pub client_id: Option<String>,
    /// `logout_hint`.
    pub logout_hint: Option<String>,
    /// `ui_locales`.
    pub ui_locales: Option<String>,
}

impl EndSessionRequest {
    /// A logout request to `end_session_endpoint` with no parameter yet.
    pub fn new(end_session_endpoint: impl Into<String>) -> Self {
        EndSessionRequest {
            end_session_endpoint: end_session_endpoint.into(),
            ..Self::default()
        }
    }

    /// Checks every field and builds the URL.
    ///
    /// Errors (`invalid_request`): endpoint not https (http only on loopback); a redirect URI that is not
    /// absolute or has a fragment; `postLogoutRedirectUri` with neither `idTokenHint` nor `clientId`
    /// (the provider could not check it against a client, §2); an empty value.
    pub fn build(&self) -> Result<String> {
        let endpoint = parse_endpoint("endSessionEndpoint", &self.end_session_endpoint)?;
        let mut params = Params::new(query_names(&endpoint));
        if let Some(hint) = &self.id_token_hint {
            check_non_empty("idTokenHint", hint)?;
            params.add("id_token_hint", hint)?;
        }
        if let Some(client_id) = &self.client_id {
            check_vschar("clientId", client_id)?;
            params.add("client_id", client_id)?;
        }
        if let Some(uri) = &self.post_logout_redirect_uri {
            parse_absolute("postLogoutRedirectUri", uri)?;
            if self.id_token_hint.is_none() && self.client_id.is_none() {
                return Err(Error::InvalidRequest(
                    "postLogoutRedirectUri needs idTokenHint or clientId to identify the client"
                        .into(),
                ));
            }
            params.add("post_logout_redirect_uri", uri)?;
        }
        if let Some(state) = &self.state {
            check_vschar("state", state)?;
            params.add("state", state)?;
        }
        if let Some(hint) = &self.logout_hint {
            check_non_empty("logoutHint", hint)?;
            params.add("logout_hint", hint)?;
        }
        if let Some(locales) = &self.ui_locales {
            check_non_empty("uiLocales", locales)?;
            params.add("ui_locales", locales)?;
        }
        Ok(append_query(&endpoint, &params.pairs))
    }
}

/// Parameters to append to an endpoint URL, each name once (RFC 6749 §3.1) unless declared repeatable.
struct Params {
    taken: HashSet<String>,
    pairs: Vec<(String, String)>,
}

impl Params {
    fn new(existing: Vec<String>) -> Self {
        Params {
            taken: existing.into_iter().collect(),
            pairs: Vec::new(),
        }
    }

    fn add(&mut self, name: &str, value: &str) -> Result<()> {
        if !self.taken.insert(name.to_owned()) {
            return Err(Error::InvalidRequest(format!(
                "parameter {name} would be sent twice",
                name = quote(name)
            )));
        }
        self.pairs.push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    fn add_repeatable(&mut self, name: &str, value: &str) {
        self.taken.insert(name.to_owned());
        self.pairs.push((name.to_owned(), value.to_owned()));
    }
}

/// Joins scope tokens with single spaces after checking each (RFC 6749 §3.3).
pub fn scope_string(scope: &OneOrMany) -> Result<String> {
    let tokens = scope.space_separated();
    if tokens.is_empty() {
        return Err(Error::InvalidRequest(
            "scope must hold at least one scope token".into(),
        ));
    }
    for t in &tokens {
        check_scope_token("scope", t)?;
    }
    Ok(tokens.join(" "))
}

fn check_response_type(value: &str) -> Result<()> {
    let tokens: Vec<&str> = value.split(' ').collect();
    let valid = tokens
        .iter()
        .all(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    // A HashSet<&str>, not a collected BTreeSet: its stable sort would be one more copy in the module.
    let mut seen: HashSet<&str> = HashSet::with_capacity(tokens.len());
    let unique = tokens.iter().all(|t| seen.insert(t));
    if valid && unique {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "responseType {value} is not a list of response types",
            value = quote(value)
        )))
    }
}

fn prompt_string(prompt: &str) -> Result<String> {
    let values: Vec<&str> = prompt.split(' ').filter(|p| !p.is_empty()).collect();
    if values.is_empty() {
        return Err(Error::InvalidRequest("prompt must not be empty".into()));
    }
    for v in &values {
        check_scope_token("prompt value", v)?;
    }
    if values.len() > 1 && values.contains(&"none") {
        return Err(Error::InvalidRequest(
            "prompt \"none\" cannot be combined with other values (OIDC Core 3.1.2.1)".into(),
        ));
    }
    Ok(values.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> AuthorizeRequest {
        AuthorizeRequest {
            authorization_endpoint: "https://idp.example.com/authorize".into(),
            ..AuthorizeRequest::new("spa", "https://app.example.com/cb", "openid profile", "xyz")
        }
    }

    fn pairs(url: &str) -> Vec<(String, String)> {
        let query = url.split_once('?').unwrap().1;
        form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn minimal_request() {
        let url = base().build().unwrap();
        assert_eq!(
            url,
            "https://idp.example.com/authorize?response_type=code&client_id=spa\
             &redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&scope=openid+profile&state=xyz"
        );
    }

    #[test]
    fn endpoint_query_is_kept_and_not_repeated() {
        let mut r = base();
        r.authorization_endpoint =
            "https://idp.example.com/oauth2/v1/authorize?p=B2C_1_signin".into();
        let p = pairs(&r.build().unwrap());
        assert_eq!(p[0], ("p".into(), "B2C_1_signin".into()));
        r.authorization_endpoint = "https://idp.example.com/authorize?client_id=other".into();
        assert_eq!(r.build().unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn everything_encoded_and_repeated_resources() {
        let mut r = base();
        r.nonce = Some("n-0S6_WzA2Mj".into());
        r.code_challenge = Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into());
        r.login_hint = Some("Zoë+ö@exämple.com &=?".into());
        r.resource = Some(
            vec![
                "https://api.example.com/".to_owned(),
                "urn:example:other".to_owned(),
            ]
            .into(),
        );
        r.acr_values = Some("urn:mace:incommon:iap:silver loa-2".into());
        r.max_age = Some(0);
        r.prompt = Some("login consent".into());
        r.extra_params = Some([("ui_locales".to_owned(), "fr-CA fr".to_owned())].into());
        let url = r.build().unwrap();
        assert!(
            url.contains("login_hint=Zo%C3%AB%2B%C3%B6%40ex%C3%A4mple.com+%26%3D%3F"),
            "{url}"
        );
        let p = pairs(&url);
        let get = |k: &str| {
            p.iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("login_hint"), ["Zoë+ö@exämple.com &=?"]);
        assert_eq!(
            get("resource"),
            ["https://api.example.com/", "urn:example:other"]
        );
        assert_eq!(get("code_challenge_method"), ["S256"]);
        assert_eq!(get("max_age"), ["0"]);
        assert_eq!(get("prompt"), ["login consent"]);
        assert_eq!(get("ui_locales"), ["fr-CA fr"]);
    }

    #[test]
    fn bad_inputs_are_invalid_request() {
        type Mutation = Box<dyn Fn(&mut AuthorizeRequest)>;
        let cases: Vec<Mutation> = vec![
            Box::new(|r| r.authorization_endpoint = "not a url".into()),
            Box::new(|r| r.authorization_endpoint = "http://idp.example.com/authorize".into()),
            Box::new(|r| r.authorization_endpoint = "https://idp.example.com/authorize#x".into()),
            Box::new(|r| r.redirect_uri = "/cb".into()),
            Box::new(|r| r.redirect_uri = "https://app.example.com/cb#x".into()),
            Box::new(|r| r.client_id = String::new()),
            Box::new(|r| r.state = String::new()),
            Box::new(|r| r.state = "é".into()),
            Box::new(|r| r.scope = "".into()),
            Box::new(|r| r.scope = "openid \"x\"".into()),
            Box::new(|r| r.scope = OneOrMany::Many(vec![])),
            Box::new(|r| r.code_challenge = Some("short".into())),
            Box::new(|r| r.code_challenge_method = Some("S256".into())),
            Box::new(|r| {
                r.code_challenge = Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into());
                r.code_challenge_method = Some("S512".into())
            }),
            Box::new(|r| r.prompt = Some("none login".into())),
            Box::new(|r| r.response_type = Some("code code".into())),
            Box::new(|r| r.response_type = Some("id_token".into())),
            Box::new(|r| r.resource = Some("api".into())),
            Box::new(|r| r.extra_params = Some([("state".to_owned(), "x".to_owned())].into())),
        ];
        for (i, mutate) in cases.iter().enumerate() {
            let mut r = base();
            mutate(&mut r);
            assert_eq!(r.build().unwrap_err().code(), "invalid_request", "case {i}");
        }
    }

    #[test]
    fn end_session() {
        let r = EndSessionRequest {
            id_token_hint: Some("eyJ.a.b".into()),
            post_logout_redirect_uri: Some("https://app.example.com/bye".into()),
            state: Some("s".into()),
            ..EndSessionRequest::new("https://idp.example.com/logout?x=1")
        };
        assert_eq!(
            r.build().unwrap(),
            "https://idp.example.com/logout?x=1&id_token_hint=eyJ.a.b\
             &post_logout_redirect_uri=https%3A%2F%2Fapp.example.com%2Fbye&state=s"
        );
        let r = EndSessionRequest {
            post_logout_redirect_uri: Some("https://app.example.com/bye".into()),
            ..EndSessionRequest::new("https://idp.example.com/logout")
        };
        assert_eq!(r.build().unwrap_err().code(), "invalid_request");
    }
}
