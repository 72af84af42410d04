#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (one shared helper:
# the Python environment's system libraries, the console tests' Chromium and fonts).
#
# Usage: deploy/local/ensure-debian-packages.sh PACKAGE…
# Without root, missing packages are only reported (exit 1), never half-installed.
set -euo pipefail
missing=()
for package in "$@"; do
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  [[ "$status" == *" installed" ]] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0
if [[ $EUID -ne 0 ]]; then
  echo "debian: missing ${missing[*]}: run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "debian: installing ${missing[*]}…"
apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null; }
# A stale package list: refresh it once.
apt_install || { apt-get update -q >/dev/null && apt_install; }
