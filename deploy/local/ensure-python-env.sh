#!/usr/bin/env bash
# Installs uv (from PyPI) when missing and syncs the locked workspace into .venv.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
if ! command -v uv >/dev/null 2>&1; then
  echo "python: installing uv from PyPI…"
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
echo "python: syncing the locked workspace into .venv…"
uv sync --frozen --quiet
