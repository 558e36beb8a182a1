#!/usr/bin/env bash
# Installs what the build and the tests need and are missing, on a fresh machine: the wasm32 target, Debian's
# clang (ring's C for wasm32), the wasm-bindgen CLI of exactly the crate's version, the npm packages of the
# lockfile, and (with --browser) Debian's Chromium and ChromeDriver. Idempotent: a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Debian packages, as root or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must equal the crate exactly: the version pinned as "=X" in Cargo.toml.
wb_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  log "installing wasm-bindgen-cli $wb_version (a few minutes)"
  # --locked fails to resolve on this registry (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

# ring (the `rust-crypto` RSA and P-256/P-384) compiles C for wasm32-unknown-unknown, which gcc cannot target.
if ! command -v clang >/dev/null; then
  log "installing Debian's clang (ring's C for wasm32)"
  apt_install clang
fi

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$lock_sum" ]; then
  log "installing npm packages (the committed lockfile's versions)"
  # Not `npm ci`: this registry does not serve other platforms' optional binaries (rollup, workerd), so the
  # lockfile lacks them and `npm ci` refuses it as out of sync. `npm install --no-save` installs the
  # locked versions and writes nothing.
  npm install --no-save --no-audit --no-fund
  echo "$lock_sum" > node_modules/.setup-stamp
fi

if [ "${1:-}" = "--browser" ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
  log "installing Debian's chromium and chromium-driver"
  apt_install chromium chromium-driver
fi
exit 0
