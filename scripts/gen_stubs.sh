#!/usr/bin/env bash
# Writes _C.pyi (type stubs of the compiled extension, by pybind11-stubgen) and
# _api.pyi (the Tensor class and the functions installed at import, by
# scripts/gen_api_stub.py: Note [Typing the dynamic API]) into DIR (default
# src/tensorcore). Needs an importable, built tensorcore: the
# installed one, or PYTHONPATH=src after scripts/dev_build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-src/tensorcore}"
PY="${PYTHON:-python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$PY" -m pybind11_stubgen tensorcore._C -o "$tmp/out" --exit-code >/dev/null
cp "$tmp/out/tensorcore/_C.pyi" "$DIR/_C.pyi"
"$PY" scripts/gen_api_stub.py "$DIR/_api.pyi"
