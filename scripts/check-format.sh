#!/usr/bin/env bash
# Fails if any tracked C++ file differs from what clang-format (the repo's
# .clang-format) makes of it. Every file is checked, not only the changed
# ones: the tree is formatted as a whole, so a change can never hide behind
# an old unformatted file. Usage: scripts/check-format.sh [FILE ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if (($#)); then files=("$@"); else mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc'); fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/allocsim-format.$$; then
  sed -n 's/^\([^: ]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/  not clang-formatted: \1/p' \
    /tmp/allocsim-format.$$ | sort -u >&2
  rm -f /tmp/allocsim-format.$$
  echo "check-format: run clang-format -i on the files above" >&2
  exit 1
fi
rm -f /tmp/allocsim-format.$$
echo "check-format: ${#files[@]} files clang-formatted"
