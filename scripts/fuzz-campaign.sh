#!/usr/bin/env bash
# A longer fuzzing campaign (nightly): builds the harnesses, then runs each
# for SECONDS (default 600) with unlimited inputs, nice'd. Inputs it finds
# interesting accumulate in build-fuzz/corpus/<harness>/found; a crash input
# lands in build-fuzz/crashes/ and belongs in tests/fuzz/regressions/<harness>/.
# Usage: scripts/fuzz-campaign.sh [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
seconds=${1:-600}
bash scripts/setup.sh fuzz
exec nice -n 10 bash scripts/fuzz.sh -1 -max_total_time="$seconds"
