#!/usr/bin/env bash
# Builds the web console (console/dist, served by the gateway at /): `npm ci` from the committed
# lockfile when node_modules is missing or older than it, `vite build` when a source changed since
# the last build. A second `make up` with nothing changed does neither.
set -euo pipefail
console="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../console" && pwd)"
cd "$console"

if ! command -v npm >/dev/null; then
  echo "console: npm not found (Node.js 20 or newer is needed to build the console)" >&2
  exit 1
fi
# Playwright's own browsers are never downloaded: the browser tests drive Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "console: installing its packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

stamp=dist/.built
if [[ -f "$stamp" ]] && [[ -z "$(find index.html package-lock.json vite.config.ts tsconfig.json src public -newer "$stamp" -print -quit)" ]]; then
  echo "console: built (nothing changed)"
  exit 0
fi
echo "console: building"
npm run --silent build >/dev/null
touch "$stamp"
echo "console: built into console/dist"
