#!/usr/bin/env bash
# Debian packages the tests use, installed when missing: chromium (browser tests), a CJK font
# (the OCR tests draw their scans with it) and antiword (legacy .doc). Needs root and apt-get;
# elsewhere it says what is missing, and the tests that need it skip with that reason.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing+=(fonts-wqy-zenhei)
command -v antiword >/dev/null 2>&1 || missing+=(antiword)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "not installed (run as root, or: sudo apt-get install ${missing[*]}): the tests that need them will skip" >&2
fi
