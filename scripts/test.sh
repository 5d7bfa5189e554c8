#!/usr/bin/env bash
# Sets everything up (Debian packages, Release and ASan/UBSan builds, the
# Python package installed from the Release build) and runs every test: the
# C++ suite under ctest in both builds, the fuzz harnesses (build-fuzz, clang)
# for a bounded number of inputs, then pytest on the installed package (the
# CLI, the examples, docs/tutorial.md and examples/tutorial.ipynb).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
bash scripts/setup.sh all

echo "== clang-format"
bash scripts/check-format.sh
jobs=$(nproc)

echo "== ctest (Release)"
ctest --test-dir build --output-on-failure -j "$jobs"
echo "== ctest (Debug, AddressSanitizer + UBSan: C++ unit tests)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -L 'sim|model|config|workloads|h5|results|recording' \
  -E 'OneValidation'  # whole simulations over a table of values: the Release run covers it

echo "== fuzz (libFuzzer harnesses: their regression cases, then a bounded number of new inputs)"
fuzz_start=$(date +%s)
bash scripts/setup.sh fuzz
bash scripts/fuzz.sh
echo "fuzz step: $(($(date +%s) - fuzz_start)) s"

if compgen -G "tests/python/test_*.py" >/dev/null; then
  echo "== pytest"
  /usr/bin/python3 -m pytest -q tests/python
fi
