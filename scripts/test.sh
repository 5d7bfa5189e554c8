#!/usr/bin/env bash
# Sets everything up (Debian packages, the Release build, the Python package
# installed from it) and runs every test: the C++ suite under ctest, the fuzz
# harnesses (build-fuzz, clang, ASan+UBSan) over their regression cases and a
# bounded number of new inputs, then pytest on the installed package (the CLI,
# the examples, docs/tutorial.md and examples/tutorial.ipynb), on as many
# workers as there are cores. Each step prints its time. The C++ unit suites
# under ASan/UBSan (a Debug build of their own, ~20 min on 2 cores) are
# scripts/sanitize.sh, run before a merge, not here.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
jobs=$(nproc)
step_start=$(date +%s)
step() { # step NAME: ends the previous step (its time) and names the next
  local now
  now=$(date +%s)
  echo "   ($((now - step_start)) s)"
  step_start=$now
  echo "== $1"
}

echo "== setup (packages, Release build, Python package)"
bash scripts/setup.sh release

step "clang-format"
bash scripts/check-format.sh

step "ctest (Release)"
ctest --test-dir build --output-on-failure -j "$jobs"

step "fuzz (libFuzzer harnesses: their regression cases, then a bounded number of new inputs)"
bash scripts/setup.sh fuzz
bash scripts/fuzz.sh

if compgen -G "tests/python/test_*.py" >/dev/null; then
  step "pytest"
  /usr/bin/python3 -m pytest -q -n "$jobs" tests/python
fi
step "done"
