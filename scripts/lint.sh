#!/usr/bin/env bash
# Style and stub checks (tools from `pip install ".[lint]"`; .ci/run runs both):
#   scripts/lint.sh               ruff (Python lint, configured in pyproject.toml)
#   scripts/lint.sh --stubs-only  src/tensorcore/_C.pyi equals what scripts/gen_stubs.sh
#                                 generates from the built, importable tensorcore
#   scripts/lint.sh --fix         ruff --fix, and regenerates the stubs
#   scripts/lint.sh --format      clang-format -i over csrc/, tests/cpp/, bench/cpp/
# C++ formatting (.clang-format) is not checked yet: the tree predates the
# config, and reformatting it is one mechanical commit that every open branch
# would conflict with; run --format when no branch is in flight, then add
# `clang-format --dry-run -Werror` here.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
mode="${1:-check}"
case "$mode" in
  check) exec "$PY" -m ruff check . ;;
  --fix) "$PY" -m ruff check --fix .; exec scripts/gen_stubs.sh src/tensorcore ;;
  --format)
    mapfile -t files < <(git ls-files 'csrc/*' 'tests/cpp/*' 'bench/cpp/*' | grep -E '\.(h|cpp|cu|cuh)$')
    exec clang-format -i "${files[@]}" ;;
  --stubs-only)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    scripts/gen_stubs.sh "$tmp"
    if ! diff -u src/tensorcore/_C.pyi "$tmp/_C.pyi"; then
      echo ">>> src/tensorcore/_C.pyi is stale: rebuild, then run scripts/gen_stubs.sh and commit it"
      exit 1
    fi ;;
  *) echo "usage: scripts/lint.sh [--fix | --format | --stubs-only]" >&2; exit 2 ;;
esac
