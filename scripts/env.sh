#!/usr/bin/env bash
# Create or reuse the project's Python environment, link it as ./.venv and install the project.
#
# The environment is ~7 GB (CUDA torch + TensorFlow), so it lives once in a cache directory keyed
# by a hash of requirements.lock and the Python version, and every clone links to it: a fresh
# clone pays seconds, not minutes. Override the cache with SPEC_TWIN_CACHE.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=${PYTHON:-python3}
cache=${SPEC_TWIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spec-twin}
key=$( (cat "$root/requirements.lock"; "$py" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)
venv="$cache/venv-$key"

if [ ! -f "$venv/.complete" ]; then
  echo "[env] creating $venv (first time: ~3 minutes, ~7 GB)" >&2
  mkdir -p "$cache"
  rm -rf "$venv"  # an interrupted build: start over
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip setuptools wheel >&2
  "$venv/bin/python" -m pip install -q -r "$root/requirements.lock" >&2
  "$venv/bin/python" -m pip check >&2
  touch "$venv/.complete"
fi
ln -sfn "$venv" "$root/.venv"
# Editable install (no deps, no network): points the shared env's `crosscheck` at this clone.
"$root/.venv/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$root" >&2
