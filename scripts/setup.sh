#!/usr/bin/env bash
# Installs the Debian packages in scripts/debian-packages.txt (only the missing
# ones; `apt-get update` only when something is missing), then configures and
# builds allocsim. Usage: scripts/setup.sh [release|debug|all]
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
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DALLOCSIM_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}
case "${1:-release}" in
  release) build build Release ;;
  debug) build build-asan Debug -DALLOCSIM_SANITIZE=ON ;;
  all)
    build build Release
    build build-asan Debug -DALLOCSIM_SANITIZE=ON
    ;;
  *) echo "usage: scripts/setup.sh [release|debug|all]" >&2; exit 2 ;;
esac
