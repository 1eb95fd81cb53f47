#!/usr/bin/env bash
# The dashboard's browser test drives Debian's chromium through playwright-core (which downloads
# no browser). This installs the package when it is missing and we may: as root with apt-get.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "chromium is not installed and cannot be installed here (needs root and apt-get): install Debian's 'chromium' package" >&2
exit 1
