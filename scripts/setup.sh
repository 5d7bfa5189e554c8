#!/usr/bin/env bash
# Installs the Debian packages in scripts/debian-packages.txt (only the missing
# ones; `apt-get update` only when something is missing), then configures and
# builds allocsim and, with the Release build, installs the Python package
# `allocsim` (with its C++ module and the allocsim binary) for Debian's
# /usr/bin/python3: `pip install` of this directory, offline, reusing build/.
# Usage: scripts/setup.sh [release|debug|all]
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
build() { # build DIR BUILD_TYPE [extra cmake args]
  local dir=$1 type=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
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
case "${1:-release}" in
  release)
    build build Release
    install_package
    ;;
  debug) build build-asan Debug -DALLOCSIM_SANITIZE=ON ;;
  all)
    build build Release
    install_package
    build build-asan Debug -DALLOCSIM_SANITIZE=ON
    ;;
  *) echo "usage: scripts/setup.sh [release|debug|all]" >&2; exit 2 ;;
esac
