#!/usr/bin/env bash
# The main job: the conformance report over every spec of the zoo (creates/reuses the
# environment first). Writes reports/report.md and reports/report.json; extra arguments go to
# `crosscheck report` (e.g. --device cpu, --out DIR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/env.sh
exec .venv/bin/python -m crosscheck report "$@"
