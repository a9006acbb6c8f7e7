#!/usr/bin/env bash
# Style and stub checks (tools from `pip install ".[lint]"`; .ci/run runs both):
#   scripts/lint.sh               ruff (Python lint, configured in pyproject.toml)
#   scripts/lint.sh --format-check  clang-format --dry-run -Werror over the C++ (.clang-format)
#   scripts/lint.sh --stubs-only  src/tensorcore/_C.pyi and _api.pyi equal what scripts/gen_stubs.sh
#                                 generates from the built, importable tensorcore
#   scripts/lint.sh --fix         ruff --fix, and regenerates the stubs
#   scripts/lint.sh --format      clang-format -i over csrc/, tests/cpp/, bench/cpp/
# A branch that predates the one-time reformat (stop 11) conflicts on
# whitespace: run --format on it, then merge.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
mode="${1:-check}"
case "$mode" in
  check) exec "$PY" -m ruff check . ;;
  --fix) "$PY" -m ruff check --fix .; exec scripts/gen_stubs.sh src/tensorcore ;;
  --format | --format-check)
    mapfile -t files < <(git ls-files 'csrc/*' 'tests/cpp/*' 'bench/cpp/*' | grep -E '\.(h|cpp|cu|cuh)$')
    if [ "$mode" = --format ]; then exec clang-format -i "${files[@]}"; fi
    if ! clang-format --dry-run -Werror "${files[@]}"; then
      echo ">>> C++ is not formatted as .clang-format says: run scripts/lint.sh --format and commit"
      exit 1
    fi ;;
  --stubs-only)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    scripts/gen_stubs.sh "$tmp"
    for stub in _C.pyi _api.pyi; do
      if ! diff -u "src/tensorcore/$stub" "$tmp/$stub"; then
        echo ">>> src/tensorcore/$stub is stale: rebuild, then run scripts/gen_stubs.sh and commit it"
        exit 1
      fi
    done ;;
  *) echo "usage: scripts/lint.sh [--fix | --format | --format-check | --stubs-only]" >&2; exit 2 ;;
esac
