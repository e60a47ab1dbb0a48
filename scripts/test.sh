#!/usr/bin/env bash
# Run the test suite (creates/reuses the environment first). Extra arguments go to pytest.
# Tests run in SPEC_TWIN_TEST_WORKERS processes (pytest-xdist; default: one per core, at most 2),
# each test module in one process so its module fixtures are built once; `-n 0` runs in this one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/env.sh
workers=${SPEC_TWIN_TEST_WORKERS:-$(( $(nproc) < 2 ? 1 : 2 ))}
exec .venv/bin/python -m pytest -n "$workers" --dist loadscope "$@"
