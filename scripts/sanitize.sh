#!/usr/bin/env bash
# The C++ unit suites in a Debug build under AddressSanitizer and UBSan
# (build-asan): memory errors, leaks and undefined behaviour that the Release
# suite cannot see. Too slow for every test run (~20 min on 2 cores, build
# included); run it before merging changes to C++ code.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
bash scripts/setup.sh debug
# Whole simulations over a table of values (OneValidation) take minutes under
# ASan; the Release suite runs them.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" \
  -L 'sim|model|config|workloads|h5|results|recording' -E 'OneValidation'
