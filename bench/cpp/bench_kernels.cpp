// Google Benchmark microbenchmarks of the core kernels through the public C++
// ops (build with -DTENSORCORE_BENCH=ON; run build/.../tc_cpp_bench).
#include <benchmark/benchmark.h>

#include "core/parallel.h"
#include "ops/ops.h"

namespace {

using namespace tc;

Tensor rand_tensor(const Shape& s) { return ops::rand(s, DType::Float32); }

void BM_AddNew(benchmark::State& st) {
  Tensor a = rand_tensor({st.range(0)}), b = rand_tensor({st.range(0)});
  for (auto _ : st) benchmark::DoNotOptimize(ops::binary(BinaryOp::Add, a, b));
  st.SetBytesProcessed(st.iterations() * st.range(0) * 12);
}
BENCHMARK(BM_AddNew)->Arg(4)->Arg(1 << 16)->Arg(1 << 24)->UseRealTime();

void BM_AddOut(benchmark::State& st) {
  Tensor a = rand_tensor({st.range(0)}), b = rand_tensor({st.range(0)}), out = rand_tensor({st.range(0)});
  for (auto _ : st) benchmark::DoNotOptimize(ops::binary_out(BinaryOp::Add, a, b, out));
  st.SetBytesProcessed(st.iterations() * st.range(0) * 12);
}
BENCHMARK(BM_AddOut)->Arg(1 << 24)->UseRealTime();

void BM_Exp(benchmark::State& st) {
  Tensor a = rand_tensor({st.range(0)});
  for (auto _ : st) benchmark::DoNotOptimize(ops::unary(UnaryOp::Exp, a));
  st.SetItemsProcessed(st.iterations() * st.range(0));
}
BENCHMARK(BM_Exp)->Arg(1 << 24)->UseRealTime();

void BM_AddTransposed(benchmark::State& st) {
  Tensor x = rand_tensor({st.range(0), st.range(0)});
  Tensor xt = ops::t(x);
  for (auto _ : st) benchmark::DoNotOptimize(ops::binary(BinaryOp::Add, x, xt));
  st.SetBytesProcessed(st.iterations() * st.range(0) * st.range(0) * 12);
}
BENCHMARK(BM_AddTransposed)->Arg(4096)->UseRealTime();

void BM_TransposeContiguous(benchmark::State& st) {
  Tensor x = rand_tensor({st.range(0), st.range(0)});
  for (auto _ : st) benchmark::DoNotOptimize(ops::contiguous(ops::t(x)));
  st.SetBytesProcessed(st.iterations() * st.range(0) * st.range(0) * 8);
}
BENCHMARK(BM_TransposeContiguous)->Arg(4096)->UseRealTime();

void BM_SumAll(benchmark::State& st) {
  Tensor a = rand_tensor({st.range(0)});
  for (auto _ : st) benchmark::DoNotOptimize(ops::sum(a, {}, false));
  st.SetBytesProcessed(st.iterations() * st.range(0) * 4);
}
BENCHMARK(BM_SumAll)->Arg(1 << 24)->UseRealTime();

void BM_SumDim(benchmark::State& st) {
  Tensor a = rand_tensor({4096, 4096});
  for (auto _ : st) benchmark::DoNotOptimize(ops::sum(a, {st.range(0)}, false));
  st.SetBytesProcessed(st.iterations() * 4096 * 4096 * 4);
}
BENCHMARK(BM_SumDim)->Arg(0)->Arg(1)->UseRealTime();

void BM_TinyAddOverhead(benchmark::State& st) {
  Tensor a = rand_tensor({2, 2}), b = rand_tensor({2, 2});
  for (auto _ : st) benchmark::DoNotOptimize(ops::binary(BinaryOp::Add, a, b));
}
BENCHMARK(BM_TinyAddOverhead);

}  // namespace

BENCHMARK_MAIN();
