# oidc-edge — every entry point installs what it lacks (scripts/setup.sh), so a fresh clone needs only
# `make demo` or `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export CARGO_TERM_COLOR ?= never

# A loaded 2-core machine runs the browser suite past wasm-bindgen-test's default 20 s.
WASM_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_TEST_TIMEOUT=180

.PHONY: help setup setup-browser pkg test test-rust lint test-wasm-node test-wasm-browser test-js test-examples demo docs bench fuzz clean

help:
	@echo "make demo   build the package and run the demo on 127.0.0.1"
	@echo "make test   run every test (Rust, wasm in Node and Chromium, JS against pkg/)"
	@echo "make pkg    build the npm package into pkg/"
	@echo "make test-examples  build and run examples/ against a local provider"
	@echo "make docs   the API reference from the .d.ts (TypeDoc) -> target/docs/api/"
	@echo "make bench  oidc-edge vs jose in Node, Chromium and workerd + sizes -> bench/results.json"
	@echo "            (BENCH_QUICK=1: a short smoke run; OIDC_EDGE_PKG=dir: measure another built package)"
	@echo "make fuzz   run every fuzz target for FUZZ_SECONDS (default 600) each (nightly + cargo-fuzz)"

setup:
	@bash scripts/setup.sh

setup-browser:
	@bash scripts/setup.sh --browser

# pkg/ is the npm package; node_modules/oidc-edge points at it so tests import it by its name.
pkg: setup
	bash scripts/build-pkg.sh
	@ln -sfn ../pkg node_modules/oidc-edge

test: setup-browser lint test-rust test-wasm-node test-wasm-browser pkg test-js test-examples
	@echo "make test: all suites passed"

# The second pair is the SPA entry's feature set (`client` alone), the third the Worker entry's (`server` alone):
# scripts/build-pkg.sh.
lint:
	cargo fmt --check
	cargo clippy --lib --tests -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --lib --no-default-features --features client -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features client -- -D warnings
	cargo clippy --lib --no-default-features --features server -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features server -- -D warnings
	@# Rustdoc of the three builds, the binding included (a superset of the native core): no broken or private links.
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target wasm32-unknown-unknown
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target wasm32-unknown-unknown --no-default-features --features client
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target wasm32-unknown-unknown --no-default-features --features server

test-rust:
	cargo test

test-wasm-node:
	$(WASM_RUNNER) cargo test --target wasm32-unknown-unknown --test wasm

# ChromeDriver on a loaded machine can lose its renderer before any test runs ("Timed out receiving message
# from renderer"): that one failure of the driver, and no failed test, is retried once. webdriver.json raises
# WebDriver's 30 s script timeout, which a busy renderer on a loaded 2-core machine outlasts while it polls.
test-wasm-browser:
	@set -o pipefail; run() { $(WASM_RUNNER) WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
	  cargo test --target wasm32-unknown-unknown --test wasm 2>&1 | tee target/wasm-browser.log; }; \
	run && exit 0; \
	grep -q "Timed out receiving message from renderer" target/wasm-browser.log && \
	  ! grep -q "^test result:.*[1-9][0-9]* failed" target/wasm-browser.log || exit 1; \
	echo "test-wasm-browser: ChromeDriver lost its renderer; once more"; run

test-js:
	node --test --test-reporter=spec tests/js/

# examples/, each built and run as its README says against oidc-provider on 127.0.0.1; they resolve their
# dependencies from the root's node_modules (the root's devDependencies: one install).
test-examples: setup-browser pkg
	node --test --test-reporter=spec tests/examples.test.mjs

demo: pkg
	node www/serve.mjs

# The API reference, from the .d.ts files that ship (typedoc.json): HTML in target/docs/api/. Any TypeDoc warning
# (an undocumented export, a broken {@link}) fails it; tests/js/docs.test.mjs runs the same in `make test`.
docs: setup
	node_modules/.bin/typedoc --options typedoc.json
	@echo "make docs: open target/docs/api/index.html"

# Not part of `make test`: it takes minutes and its numbers depend on the machine.
bench: setup-browser pkg
	node bench/run.mjs

fuzz:
	bash scripts/fuzz.sh

clean:
	rm -rf pkg target/wasm32-unknown-unknown/release target/wasm32-unknown-unknown/release-spa \
	  target/wasm32-unknown-unknown/release-worker
