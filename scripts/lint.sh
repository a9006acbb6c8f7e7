#!/usr/bin/env bash
# Style and stub checks (run by .ci/run; tools from `pip install ".[lint]"`):
#   ruff           Python lint, configured in pyproject.toml
#   clang-format   C++ style, configured in .clang-format (csrc/, tests/cpp/, bench/cpp/)
#   stubs          src/tensorcore/_C.pyi equals what scripts/gen_stubs.sh generates
#                  from the built extension (only with --stubs: needs tensorcore importable)
# With --fix: rewrites files instead of failing (ruff --fix, clang-format -i, stubs regenerated).
set -euo pipefail
cd "$(dirname "$0")/.."
FIX=0 STUBS=0
for a in "$@"; do
  case "$a" in --fix) FIX=1 ;; --stubs) STUBS=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac
done
PY="${PYTHON:-python3}"
mapfile -t CXX_FILES < <(git ls-files 'csrc/*.h' 'csrc/*.cpp' 'csrc/*.cuh' 'csrc/*.cu' 'tests/cpp/*' 'bench/cpp/*' | grep -E '\.(h|cpp|cu|cuh)$')
rc=0
if [[ $FIX == 1 ]]; then
  "$PY" -m ruff check --fix . || rc=1
  clang-format -i "${CXX_FILES[@]}"
else
  "$PY" -m ruff check . || { echo ">>> ruff found problems (scripts/lint.sh --fix repairs the fixable ones)"; rc=1; }
  clang-format --dry-run -Werror "${CXX_FILES[@]}" || { echo ">>> C++ not clang-formatted: scripts/lint.sh --fix"; rc=1; }
fi
if [[ $STUBS == 1 ]]; then
  if [[ $FIX == 1 ]]; then
    scripts/gen_stubs.sh src/tensorcore
  else
    tmp="$(mktemp -d)"
    scripts/gen_stubs.sh "$tmp"
    if ! diff -u src/tensorcore/_C.pyi "$tmp/_C.pyi"; then
      echo ">>> src/tensorcore/_C.pyi is stale: run scripts/gen_stubs.sh after building"; rc=1
    fi
    rm -rf "$tmp"
  fi
fi
exit $rc
