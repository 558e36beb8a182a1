#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_edge_fuzz::logout_request(data));
