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
