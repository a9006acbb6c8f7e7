#!/usr/bin/env bash
# Incremental development build into build/dev, serialised with a lock so
# several people (or agents) can call it at once; copies the extension into
# src/tensorcore so `PYTHONPATH=src python ...` uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/tensorcore-dev-build.lock
flock 9
# ccache (when installed) with base_dir = the checkout, so several checkouts (git worktrees)
# share compiled objects: a fresh worktree's first build is mostly cache hits.
LAUNCHER=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR=1
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f build/dev/build.ninja ]; then
  cmake -S . -B build/dev -G Ninja -DCMAKE_BUILD_TYPE=Release -DTENSORCORE_CUDA=OFF "${LAUNCHER[@]}" \
    -Dpybind11_DIR="$(python -c 'import pybind11; print(pybind11.get_cmake_dir())')" \
    -DPython_EXECUTABLE="$(command -v python)" >/dev/null
fi
cmake --build build/dev -j2
# copy then rename: processes that have the old module mapped keep a valid file
for so in build/dev/_C*.so; do
  cp "$so" "src/tensorcore/.$(basename "$so").tmp"
  mv -f "src/tensorcore/.$(basename "$so").tmp" "src/tensorcore/$(basename "$so")"
done
