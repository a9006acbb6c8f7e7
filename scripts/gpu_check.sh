#!/usr/bin/env bash
# One run of the CUDA backend on a machine with an NVIDIA GPU: build with CUDA,
# run the CUDA tests, and benchmark against PyTorch's CUDA build.
#
#   bash scripts/gpu_check.sh            (from the checkout; results in $OUT or /tmp/gpu_check)
#
# GPU time is scarce, so this is one script sized to finish in a few minutes
# on a 16-core machine: the build uses every core, only the architecture of
# the GPU present is compiled (TENSORCORE_CUDA_ARCHITECTURES overrides), the
# extension goes into a scratch copy of the package put first on PYTHONPATH
# (the machine's Python may differ from the development one's), and the
# backend is turned on with TENSORCORE_ENABLE_CUDA=1 (Note [CUDA backend not
# yet verified] in csrc/backend/cuda_api.h). Each step's output is saved.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
RESULTS="${OUT:-/tmp/gpu_check}"
mkdir -p "$RESULTS"
status=0

nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv | tee "$RESULTS/gpu.txt"
ARCH="${TENSORCORE_CUDA_ARCHITECTURES:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '.')}"
echo "building for sm_$ARCH with $(nvcc --version | tail -1)"

BUILD="${GPU_CHECK_BUILD:-$ROOT/build/gpu}"
time cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTENSORCORE_CUDA=ON \
  -DTENSORCORE_CUDA_ARCHITECTURES="$ARCH" -DPython_EXECUTABLE="$(command -v "$PY")" \
  -Dpybind11_DIR="$("$PY" -m pybind11 --cmakedir)" >"$RESULTS/configure.log" 2>&1 || {
  tail -30 "$RESULTS/configure.log"; exit 1; }
time cmake --build "$BUILD" -j "$(nproc)" --target _C >"$RESULTS/build.log" 2>&1 || {
  grep -E "error|FAILED" "$RESULTS/build.log" | head -40; exit 1; }

SITE="$(mktemp -d)/site"
mkdir -p "$SITE"
cp -r src/tensorcore "$SITE/tensorcore"
rm -f "$SITE"/tensorcore/_C*.so
cp "$BUILD"/_C*.so "$SITE/tensorcore/"
export PYTHONPATH="$SITE" TENSORCORE_ENABLE_CUDA=1 PYTHONUNBUFFERED=1

"$PY" -c "import tensorcore as tc; print('tensorcore sees', tc.cuda.device_count(), 'GPU(s):', tc.cuda.get_device_name())" \
  || exit 1
"$PY" -m pytest tests/test_cuda.py tests/test_device.py -q -p no:cacheprovider -rs 2>&1 | tee "$RESULTS/pytest.log" \
  | tail -40
[[ ${PIPESTATUS[0]} == 0 ]] || status=1
"$PY" bench/compare.py --device cuda 2>&1 | tee "$RESULTS/bench.txt"
[[ ${PIPESTATUS[0]} == 0 ]] || status=1
exit $status
