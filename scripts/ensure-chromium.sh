#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it with executable_path; nothing is downloaded
# by Playwright itself).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
    echo "installing Debian's chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
fi
/usr/bin/chromium --version >&2
