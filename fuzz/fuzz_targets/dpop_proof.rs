#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_edge_fuzz::dpop_proof(data));
