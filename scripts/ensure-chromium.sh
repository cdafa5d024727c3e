#!/usr/bin/env sh
# Makes sure Debian's Chromium is at /usr/bin/chromium for the real-browser
# runtime tests (internal/runtime-tests). Playwright drives it through
# playwright-core with `executablePath: '/usr/bin/chromium'`, so no browser is
# downloaded from the Playwright CDN.
#
# Usage: sh scripts/ensure-chromium.sh
set -eu

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $CHROMIUM is missing; installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
  if [ ! -x "$CHROMIUM" ]; then
    echo "chromium: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
  fi
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo installed)"
  exit 0
fi

cat >&2 <<MSG
chromium: $CHROMIUM is missing and this script cannot install it (needs root and apt-get).
Install Debian's Chromium, then run the runtime tests again:

  sudo apt-get update && sudo apt-get install -y chromium

(Or point CHROMIUM_PATH at an existing Chromium/Chrome binary.)
MSG
exit 1
