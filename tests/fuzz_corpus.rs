//! Replays every fuzz corpus and regression input (fuzz/seeds/<target>/, fuzz/regressions/<target>/) through
//! the fuzz targets' bodies on stable Rust, so `cargo test` keeps every input the fuzzer ever found working.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../fuzz/harness.rs"]
mod harness;

use std::fs;
use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let mut count = 0;
    for dir in ["seeds", "regressions"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz")
            .join(dir)
            .join(target);
        for entry in fs::read_dir(&path).unwrap() {
            let file = entry.unwrap().path();
            if file.is_file() {
                body(&fs::read(&file).unwrap());
                count += 1;
            }
        }
    }
    assert!(count > 0, "no inputs for fuzz target {target}");
}

#[test]
fn callback() {
    replay("callback", harness::callback);
}

#[test]
fn provider_metadata() {
    replay("provider_metadata", harness::provider_metadata);
}

#[test]
fn authorize() {
    replay("authorize", harness::authorize);
}

#[test]
fn jws_verify() {
    replay("jws_verify", harness::jws_verify);
}

#[test]
fn jws_claims() {
    replay("jws_claims", harness::jws_claims);
}

#[test]
fn jwks() {
    replay("jwks", harness::jwks);
}

#[test]
fn scope() {
    replay("scope", harness::scope);
}

#[test]
fn token_response() {
    replay("token_response", harness::token_response);
}

#[test]
fn route() {
    replay("route", harness::route);
}

#[test]
fn bearer() {
    replay("bearer", harness::bearer);
}

#[test]
fn logout_request() {
    replay("logout_request", harness::logout_request);
}

/// The route body on paths composed of the spellings origins read differently (encodings, case, `;`, dots,
/// spaces, non-ASCII), so the path rules are searched beyond the seeds on every `cargo test`.
mod route_spellings {
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "api",
        "admin",
        "users",
        "@me",
        "health",
        "ADMIN",
        "Users",
        "%61",
        "%41",
        "%2561",
        "%2e",
        "%2F",
        ";x=1",
        "%3B",
        "%00",
        "%0A",
        "%20",
        ".",
        "..",
        "%C4%B1",
        "%EF%BD%81",
        "%C0%AE",
        "%FF",
        "%40",
        "%2B",
        "+",
        "%c3%a9",
        "42",
        "x",
        "%",
        "%u0061",
        "\\",
        "é",
        " ",
    ];

    fn path() -> impl Strategy<Value = String> {
        let prefix =
            proptest::sample::select(&["", "/api", "/api/users", "/api/admin", "/API"][..]);
        let segment = proptest::collection::vec(proptest::sample::select(PIECES), 1..3)
            .prop_map(|p| p.concat());
        (
            prefix,
            proptest::collection::vec(segment, 0..4),
            any::<bool>(),
        )
            .prop_map(|(prefix, segments, slash)| {
                let tail: String = segments.iter().map(|s| format!("/{s}")).collect();
                format!(
                    "{prefix}{tail}{}",
                    if slash || prefix.is_empty() && tail.is_empty() {
                        "/"
                    } else {
                        ""
                    }
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn route_paths(method in proptest::sample::select(&["GET", "HEAD", "PUT", "DELETE"][..]), path in path()) {
            super::harness::route(format!("{method}\n{path}").as_bytes());
        }
    }
}
