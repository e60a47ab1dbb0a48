#!/usr/bin/env bash
# Run the test suite (creates/reuses the environment first). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/env.sh
exec .venv/bin/python -m pytest "$@"
