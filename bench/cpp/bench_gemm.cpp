// Google Benchmark microbenchmarks of the CPU GEMM kernel (tc::kernels::gemm):
// square float32 / float64 matmul, row-major or with both operands transposed.
// The "FLOPS" counter is 2*n^3 per iteration.
//
// Built into `tc_cpp_bench` when CMake is configured with -DTENSORCORE_BENCH=ON:
//   ./tc_cpp_bench --benchmark_filter=Gemm
// Compare with PyTorch on the same machine and thread count, e.g.
//   python -c "import torch,time; torch.set_num_threads(2); ..."
#include <benchmark/benchmark.h>

#include <cstdint>
#include <type_traits>
#include <vector>

#include "backend/kernels.h"

namespace {

// Args: n, transposed (0: A and B row-major; 1: both column-major views).
template <typename T> void BM_Gemm(benchmark::State& state) {
  const int64_t n = state.range(0);
  const bool transposed = state.range(1) != 0;
  std::vector<T> a(n * n), b(n * n), c(n * n);
  for (int64_t i = 0; i < n * n; ++i) {
    a[i] = static_cast<T>((i * 7 % 13) - 6) / 8;
    b[i] = static_cast<T>((i * 5 % 11) - 5) / 8;
  }
  const tc::DType dt = std::is_same_v<T, float> ? tc::DType::Float32 : tc::DType::Float64;
  const int64_t sr = transposed ? 1 : n, sc = transposed ? n : 1;
  for (auto _ : state) {
    tc::kernels::gemm(dt, n, n, n, a.data(), sr, sc, b.data(), sr, sc, c.data(), n, false);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["FLOPS"] =
      benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.SetLabel(tc::kernels::cpu_capability());
}

void GemmArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "trans"});
  b->ArgsProduct({{2, 16, 64, 256, 1024, 2048}, {0, 1}});
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

BENCHMARK_TEMPLATE(BM_Gemm, float)->Apply(GemmArgs);
BENCHMARK_TEMPLATE(BM_Gemm, double)->Apply(GemmArgs);

}  // namespace

// Weak, so that this file links whether or not another file of tc_cpp_bench
// also provides main (e.g. via BENCHMARK_MAIN()).
__attribute__((weak)) int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
