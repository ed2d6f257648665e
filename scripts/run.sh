#!/usr/bin/env bash
# Set up (first time) and ingest the bundled sample plans in data/raw into data/processed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
.venv/bin/kehoach ingest data/raw --out data/processed "$@"
