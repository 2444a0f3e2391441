#!/usr/bin/env bash
# Quick start, part two: sets the machine up for testing, then runs every
# check CI runs (scripts/test.sh). This is what .ci/run runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh --test
exec scripts/test.sh
