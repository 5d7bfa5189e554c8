#!/usr/bin/env bash
# Sets everything up (Debian packages, Release build, the Python package) and
# runs allocsim on the embedded default config. Extra arguments go to
# `allocsim run`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
bash scripts/setup.sh release
exec build/cli/allocsim run "$@"
