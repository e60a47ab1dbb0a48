#!/usr/bin/env bash
# Create or reuse the project's Python environment as ./.venv, with this clone installed in it.
#
# The dependencies are ~7 GB (CUDA torch + TensorFlow), so they live once per machine in a cache
# directory keyed by a hash of requirements.lock and the Python version. Each clone gets a small
# venv of its own whose site-packages points at that shared one (a .pth file) and holds only
# this clone's editable install: a fresh clone pays seconds, not minutes, and clones never
# re-point each other's `crosscheck`. Override the cache with SPEC_TWIN_CACHE.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=${PYTHON:-python3}
cache=${SPEC_TWIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spec-twin}
key=$( (cat "$root/requirements.lock"; "$py" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)
deps="$cache/deps-$key"

if [ ! -f "$deps/.complete" ]; then
  echo "[env] installing dependencies into $deps (first time on this machine: ~3 minutes, ~7 GB)" >&2
  mkdir -p "$cache"
  rm -rf "$deps"  # an interrupted install: start over
  "$py" -m venv "$deps"
  "$deps/bin/python" -m pip install -q -r "$root/requirements.lock" >&2
  "$deps/bin/python" -m pip check >&2
  touch "$deps/.complete"
fi

venv="$root/.venv"
if [ ! -f "$venv/.spec-twin-$key" ]; then
  rm -rf "$venv"
  "$py" -m venv "$venv"
  shared=$("$deps/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  own=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$shared" > "$own/spec-twin-deps.pth"
  "$venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$root" >&2
  touch "$venv/.spec-twin-$key"
fi
