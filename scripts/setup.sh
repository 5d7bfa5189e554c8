#!/usr/bin/env bash
# Installs the Debian packages in scripts/debian-packages.txt (only the missing
# ones; `apt-get update` only when something is missing), then configures and
# builds allocsim and, with the Release build, installs the Python package
# `allocsim` (with its C++ module and the allocsim binary) for Debian's
# /usr/bin/python3: `pip install` of this directory, offline, reusing build/.
# Usage: scripts/setup.sh [release|debug|all|fuzz]
# (fuzz: the libFuzzer harnesses in build-fuzz, with clang; see scripts/fuzz.sh)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

mapfile -t wanted < <(grep -v '^\s*#' scripts/debian-packages.txt | grep -v '^\s*$')
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
launcher=()  # ccache, where installed, makes rebuilds of unchanged sources free
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
build() { # build DIR BUILD_TYPE [extra cmake args]
  local dir=$1 type=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" -DALLOCSIM_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" "${targets[@]}"
}
# The package, built from build/ (setup.py builds only what changed): as root
# into /usr/local (seen by every user's python3, notebooks, Dask workers and
# venvs made with --system-site-packages; Debian marks its own Python
# "externally managed", hence --break-system-packages, which touches nothing
# of Debian's), else into the user's ~/.local.
install_package() {
  local where=(--break-system-packages --root-user-action=ignore)
  [ "$(id -u)" -eq 0 ] || where=(--user --break-system-packages)
  /usr/bin/python3 -m pip install --quiet --no-build-isolation --no-index \
    --no-warn-script-location "${where[@]}" .
}
targets=()
# The ASan/UBSan build serves the C++ suites that scripts/test.sh runs in it:
# no benchmarks, no CLI, no golden runs (those run in the Release build).
asan_targets=(--target sim_tests model_tests config_tests workloads_tests h5_tests results_tests recording_tests)
case "${1:-release}" in
  release)
    build build Release
    install_package
    ;;
  debug)
    targets=("${asan_targets[@]}")
    build build-asan Debug -DALLOCSIM_SANITIZE=ON -DALLOCSIM_BUILD_BENCH=OFF
    ;;
  all)
    build build Release
    install_package
    targets=("${asan_targets[@]}")
    build build-asan Debug -DALLOCSIM_SANITIZE=ON -DALLOCSIM_BUILD_BENCH=OFF
    ;;
  fuzz)
    # -O1: the harnesses run fast enough, and the libraries compile in half the time of -O2.
    cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DALLOCSIM_FUZZ=ON \
      -DALLOCSIM_BUILD_TESTS=OFF -DALLOCSIM_BUILD_BENCH=OFF -DALLOCSIM_BUILD_PYTHON=OFF \
      "${launcher[@]}" >/dev/null
    cmake --build build-fuzz -j "$jobs" --target fuzz_all
    ;;
  *) echo "usage: scripts/setup.sh [release|debug|all|fuzz]" >&2; exit 2 ;;
esac
