//! What a URL must be before the library sends anything to it or sends anyone there. URLs are parsed as
//! RFC 3986 URIs (`fluent-uri`: ASCII only, no IDNA tables in the wasm), the syntax the OAuth RFCs cite.

use crate::error::{Error, Result, quote};
use fluent_uri::Uri;
use fluent_uri::component::Host;

/// Parses the URL of a server endpoint (authorization, token, JWKS…): absolute, `https`, with a host, no
/// fragment, no credentials. Plain `http` is allowed only on loopback hosts (development set-ups), because
/// RFC 6749 §3.1 and §3.2 require TLS for every endpoint.
///
/// `what` names the URL in the error message. Errors: `invalid_request`.
pub fn parse_endpoint<'a>(what: &str, value: &'a str) -> Result<Uri<&'a str>> {
    let uri = parse_absolute(what, value)?;
    let scheme = uri.scheme().as_str();
    let authority = uri.authority().filter(|a| !a.host().is_empty());
    let Some(authority) = authority else {
        return Err(Error::InvalidRequest(format!("{what} must have a host")));
    };
    let https = scheme.eq_ignore_ascii_case("https");
    if !(https || (scheme.eq_ignore_ascii_case("http") && is_loopback(&uri))) {
        return Err(Error::InvalidRequest(format!(
            "{what} must be an https URL (http only on loopback hosts), found scheme {scheme}",
            scheme = quote(scheme)
        )));
    }
    if authority.has_userinfo() {
        return Err(Error::InvalidRequest(format!(
            "{what} must not carry user credentials"
        )));
    }
    Ok(uri)
}

/// Parses an absolute URI without a fragment (RFC 6749 §3.1, §3.1.2), of any scheme: redirect URIs,
/// resource indicators. Errors: `invalid_request`.
pub fn parse_absolute<'a>(what: &str, value: &'a str) -> Result<Uri<&'a str>> {
    let uri = parse_uri(what, value)?;
    if uri.has_fragment() {
        return Err(Error::InvalidRequest(format!(
            "{what} must not contain a fragment"
        )));
    }
    Ok(uri)
}

/// Parses an absolute URI (RFC 3986 §4.3 plus a fragment). Errors: `invalid_request`.
pub fn parse_uri<'a>(what: &str, value: &'a str) -> Result<Uri<&'a str>> {
    Uri::parse(value)
        .map_err(|e| Error::InvalidRequest(format!("{what} is not an absolute URI ({e})")))
}

/// `localhost`, 127.0.0.0/8 or `[::1]`.
pub fn is_loopback(uri: &Uri<&str>) -> bool {
    match uri.authority().map(|a| a.host_parsed()) {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::RegName(name)) => name.as_str().eq_ignore_ascii_case("localhost"),
        _ => false,
    }
}

/// The names of the query parameters a URI already has.
pub fn query_names(uri: &Uri<&str>) -> Vec<String> {
    let query = uri.query().map_or("", |q| q.as_str());
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, _)| k.into_owned())
        .collect()
}

/// `uri` (which has no fragment) with `pairs` form-encoded and appended to its query.
pub fn append_query(uri: &Uri<&str>, pairs: &[(String, String)]) -> String {
    let mut out = uri.as_str().to_owned();
    if pairs.is_empty() {
        return out;
    }
    match uri.query().map(|q| q.as_str()) {
        None => out.push('?'),
        Some(q) if q.is_empty() || q.ends_with('&') => {}
        Some(_) => out.push('&'),
    }
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    out.push_str(&ser.finish());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_need_tls_except_on_loopback() {
        parse_endpoint("e", "https://idp.example.com/authorize?x=1").unwrap();
        parse_endpoint("e", "HTTPS://idp.example.com").unwrap();
        parse_endpoint("e", "http://127.0.0.1:3000/auth").unwrap();
        parse_endpoint("e", "http://127.8.9.1/auth").unwrap();
        parse_endpoint("e", "http://localhost/auth").unwrap();
        parse_endpoint("e", "http://[::1]:8080/auth").unwrap();
        for bad in [
            "http://idp.example.com/auth",
            "http://localhost.evil.com/auth",
            "http://127.0.0.1.nip.io/auth",
            "ftp://idp.example.com/",
            "https://idp.example.com/auth#frag",
            "https://user:pw@idp.example.com/auth",
            "https:idp.example.com",
            "https:///path",
            "/relative",
            "not a url",
            "https://idp.example.com/a b",
            "https://idp.exämple.com/",
            "",
        ] {
            assert_eq!(
                parse_endpoint("e", bad).unwrap_err().code(),
                "invalid_request",
                "{bad}"
            );
        }
    }

    #[test]
    fn appends_to_the_existing_query() {
        let with =
            |s: &str| append_query(&parse_uri("e", s).unwrap(), &[("a b".into(), "c&d".into())]);
        assert_eq!(with("https://x.example/p"), "https://x.example/p?a+b=c%26d");
        assert_eq!(
            with("https://x.example/p?"),
            "https://x.example/p?a+b=c%26d"
        );
        assert_eq!(
            with("https://x.example/p?k=v"),
            "https://x.example/p?k=v&a+b=c%26d"
        );
        assert_eq!(
            query_names(&parse_uri("e", "https://x.example/?a=1&b&a=2").unwrap()),
            ["a", "b", "a"]
        );
    }
}
