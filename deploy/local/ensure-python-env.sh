#!/usr/bin/env bash
# Installs uv (from PyPI) when missing and syncs the locked workspace into .venv, with the Debian
# libraries its packages load: Pango for WeasyPrint (finance prints the disclosure as PDF) and the
# Noto CJK fonts the printed Chinese is set in.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
if ! command -v uv >/dev/null 2>&1; then
  echo "python: installing uv from PyPI…"
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
PRINT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)
bash deploy/local/ensure-debian-packages.sh "${PRINT_PACKAGES[@]}" \
  || echo "python: without ${PRINT_PACKAGES[*]} finance cannot print PDFs" >&2
echo "python: syncing the locked workspace into .venv…"
# Bytecode compiled once: these machines set PYTHONDONTWRITEBYTECODE, so without it every process
# compiled its libraries again on start (4.1 → 1.5 s of CPU to import finance; a crashed service
# is back sooner, and the tests start hundreds of processes). Compiling takes ~7 s the first time.
uv sync --frozen --quiet --compile-bytecode
