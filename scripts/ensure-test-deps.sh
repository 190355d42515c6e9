#!/usr/bin/env bash
# Makes sure the tools the test suite runs for real are installed: Debian's Chromium for the browser
# tests (/usr/bin/chromium), pigz and zstd for the backup compressors, curl for the smoke-test
# script, and clang/lld/wasi-libc to check that the built-in gzip's WebAssembly is what its C source
# compiles to (npm run build:wasm). Runs before `npm test` (the pretest script) and from .ci/run: it installs what is missing
# with apt-get and fails loudly when it cannot, so no test ever skips silently.
set -euo pipefail

# command (or file pattern) -> Debian package
declare -A NEEDED=(
  [/usr/bin/chromium]=chromium [pigz]=pigz [zstd]=zstd [curl]=curl
  [clang]=clang [wasm-ld]=lld [/usr/lib/wasm32-wasi/libc.a]=wasi-libc
  ["/usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a"]=libclang-rt-14-dev-wasm32
)

present() {
  case "$1" in
  /*) compgen -G "$1" >/dev/null ;;
  *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for command in "${!NEEDED[@]}"; do
  present "$command" || missing+=("${NEEDED[$command]}")
done
((${#missing[@]} == 0)) && exit 0

fail() {
  echo "ensure-test-deps: $*" >&2
  echo "ensure-test-deps: install them first (Debian/Ubuntu: apt-get install ${missing[*]})." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and apt-get is not available here"
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "missing ${missing[*]}; installing needs root (run as root or with passwordless sudo)"
fi

echo "ensure-test-deps: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq || fail "apt-get update failed"
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
  fail "apt-get install ${missing[*]} failed"
for command in "${!NEEDED[@]}"; do
  present "$command" || fail "installed ${NEEDED[$command]} but $command is still missing"
done
echo "ensure-test-deps: installed ${missing[*]}" >&2
