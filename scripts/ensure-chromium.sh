#!/usr/bin/env bash
# Makes sure the browser tests (test/dashboard/browser.test.ts) have Debian's Chromium at
# /usr/bin/chromium. Runs before `npm test` (the pretest script): it installs the package when the
# binary is missing and fails loudly when it cannot, so the browser tests never skip silently.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

fail() {
  echo "ensure-chromium: $*" >&2
  echo "ensure-chromium: install Chromium so that $CHROMIUM exists (Debian/Ubuntu: apt-get install chromium)." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available here"
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "$CHROMIUM is missing and installing it needs root (run as root or with passwordless sudo)"
fi

echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq || fail "apt-get update failed"
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null || fail "apt-get install chromium failed"
[ -x "$CHROMIUM" ] || fail "the chromium package is installed but $CHROMIUM is still missing"
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)" >&2
