// Runtime CPU dispatch: each kernel source is compiled once per instruction
// set; the first call picks the best one this CPU supports. One wheel runs on
// any x86-64 (nothing is compiled for the build machine's own CPU).
#include "backend/cuda_api.h"
#include "backend/kernels.h"
#include "backend/kernels_gemm_bf16.h"
#include "core/error.h"
#include "core/gil.h"
#include "core/iterator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>

#define TC_DECLARE_CAP(cap)                                                                                           \
  namespace tc::cpu::cap {                                                                                            \
  void binary(BinaryOp, const TensorIterator&, DType);                                                                \
  void unary(UnaryOp, const TensorIterator&, DType);                                                                  \
  void copy(const TensorIterator&, DType, DType);                                                                     \
  void where(const TensorIterator&, DType);                                                                           \
  void clamp(const TensorIterator&, DType, bool, double, bool, double);                                               \
  void lerp(const TensorIterator&, DType);                                                                            \
  void add_scaled(const TensorIterator&, DType, double);                                                              \
  void fill(void*, int64_t, DType, double, int64_t, double);                                                          \
  void reduce(kernels::ReduceOp, const void*, DType, void*, DType, int64_t, int64_t, int64_t);                        \
  void gemm(DType, int64_t, int64_t, int64_t, const void*, int64_t, int64_t, const void*, int64_t, int64_t, void*,    \
            int64_t, bool);                                                                                           \
  int64_t gemm_packed_b_size(DType, int64_t, int64_t);                                                                \
  void gemm_pack_b(DType, int64_t, int64_t, const void*, int64_t, int64_t, void*);                                    \
  void gemm_prepacked_b(DType, int64_t, int64_t, int64_t, const void*, int64_t, int64_t, const void*, void*, int64_t, \
                        bool);                                                                                        \
  int64_t fma_peak_loop(DType, int64_t, double*);                                                                     \
  void lstm_cell_forward(DType, int64_t, int64_t, const void*, const void*, void*, void*, void*);                     \
  void lstm_cell_backward(DType, int64_t, int64_t, const void*, const void*, const void*, const void*, void*, void*); \
  void gru_cell_forward(DType, int64_t, int64_t, const void*, const void*, const void*, void*, void*);                \
  void gru_cell_backward(DType, int64_t, int64_t, const void*, const void*, const void*, void*, void*, void*);        \
  void attention_forward(const kernels::AttentionArgs&, void*, const int64_t*, int64_t, void*);                       \
  void attention_backward(const kernels::AttentionArgs&, const void*, const int64_t*, int64_t, const void*,           \
                          const void*, const int64_t*, int64_t, void*, void*, void*, void*);                          \
  void box_muller_f32(float*, int64_t, float, float);                                                                 \
  }
TC_DECLARE_CAP(generic)
#ifdef TC_HAVE_X86_DISPATCH
TC_DECLARE_CAP(avx2)
#ifdef TC_HAVE_AVX512_KERNELS
TC_DECLARE_CAP(avx512)
#endif
#endif

// Note [Optional avx512 kernels]
// A build configured with -DTENSORCORE_AVX512_KERNELS=OFF has no avx512
// objects: the alias sends every avx512 entry to avx2, and detect() never
// picks avx512, so cpu_capability() says what actually runs (for builds
// smaller still, see Note [Generic-only sanitizer build] in CMakeLists.txt).
#if defined(TC_HAVE_X86_DISPATCH) && !defined(TC_HAVE_AVX512_KERNELS)
namespace tc::cpu {
namespace avx512 = avx2;
}
#endif

// ---- nn and scan kernels (backend/kernels_nn.h, backend/kernels_scan.h) ----
#define TC_DECLARE_NN_CAP(cap)                                                                                       \
  namespace tc::cpu::cap {                                                                                           \
  void softmax_forward(DType, bool, const void*, void*, int64_t, int64_t, int64_t);                                  \
  void softmax_backward(DType, bool, const void*, const void*, void*, int64_t, int64_t, int64_t);                    \
  void activation_forward(kernels::Activation, DType, int64_t, const void*, void*, kernels::ActivationParams);       \
  void activation_backward(kernels::Activation, DType, int64_t, const void*, const void*, void*,                     \
                           kernels::ActivationParams, bool);                                                         \
  void layer_norm_forward(DType, int64_t, int64_t, const void*, const void*, const void*, double, void*, void*,      \
                          void*);                                                                                    \
  void layer_norm_backward(DType, int64_t, int64_t, const void*, const void*, const void*, const void*, const void*, \
                           void*, void*, void*);                                                                     \
  bool nll_loss_forward(DType, int64_t, int64_t, int64_t, const void*, const int64_t*, const void*, int64_t, void*,  \
                        double*, int64_t*);                                                                          \
  void tanh_backward(DType, int64_t, const void*, const void*, void*);                                               \
  void nll_loss_backward(DType, int64_t, int64_t, int64_t, const int64_t*, const void*, int64_t, const void*, bool,  \
                         const void*, void*);                                                                        \
  bool pointwise_loss(kernels::PointwiseLoss, DType, int64_t, const void*, const void*, const void*, const void*,    \
                      void*);                                                                                        \
  void cumsum(DType, const void*, void*, int64_t, int64_t, int64_t, bool);                                           \
  void cumprod(DType, const void*, void*, int64_t, int64_t, int64_t, bool);                                          \
  void sort_rows(DType, const void*, int64_t, int64_t, int64_t, bool, void*, int64_t*);                              \
  }
TC_DECLARE_NN_CAP(generic)
#ifdef TC_HAVE_X86_DISPATCH
TC_DECLARE_NN_CAP(avx2)
#ifdef TC_HAVE_AVX512_KERNELS
TC_DECLARE_NN_CAP(avx512)
#endif
#endif

// The two bfloat16 GEMM builds (Note [bfloat16 GEMM]).
namespace tc::cpu::bf16_emulated {
void gemm_bf16(int64_t, int64_t, int64_t, const void*, int64_t, int64_t, const void*, int64_t, int64_t, void*, int64_t,
               bool);
}
#ifdef TC_HAVE_BF16_GEMM_NATIVE
namespace tc::cpu::bf16_native {
void gemm_bf16(int64_t, int64_t, int64_t, const void*, int64_t, int64_t, const void*, int64_t, int64_t, void*, int64_t,
               bool);
}
#endif

namespace tc::kernels {
namespace {
enum class Cap { Generic, Avx2, Avx512 };

Cap detect() {
  const char* force = std::getenv("TENSORCORE_CPU_CAPABILITY");  // for testing every path
#ifdef TC_HAVE_X86_DISPATCH
  __builtin_cpu_init();
  bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
#ifndef TC_HAVE_AVX512_KERNELS
  avx512 = false;  // Note [Optional avx512 kernels]
#endif
  bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (force && std::strcmp(force, "generic") == 0) return Cap::Generic;
  if (force && std::strcmp(force, "avx2") == 0 && avx2) return Cap::Avx2;
  if (avx512) return Cap::Avx512;
  if (avx2) return Cap::Avx2;
#else
  (void)force;
#endif
  return Cap::Generic;
}

Cap cap() {
  static const Cap c = detect();
  return c;
}
}  // namespace

#ifdef TC_HAVE_X86_DISPATCH
#define TC_DISPATCH(fn, ...)                \
  switch (cap()) {                          \
    case Cap::Avx512:                       \
      return cpu::avx512::fn(__VA_ARGS__);  \
    case Cap::Avx2:                         \
      return cpu::avx2::fn(__VA_ARGS__);    \
    default:                                \
      return cpu::generic::fn(__VA_ARGS__); \
  }
// The avx512 binary/unary kernels exist for float32/float64 only; every other
// dtype runs avx2's (Note [Elementwise translation units]).
#define TC_DISPATCH_ELEMENTWISE(fn, dt, ...)                                                     \
  switch (cap()) {                                                                               \
    case Cap::Avx512:                                                                            \
      if ((dt) == DType::Float32 || (dt) == DType::Float64) return cpu::avx512::fn(__VA_ARGS__); \
      return cpu::avx2::fn(__VA_ARGS__);                                                         \
    case Cap::Avx2:                                                                              \
      return cpu::avx2::fn(__VA_ARGS__);                                                         \
    default:                                                                                     \
      return cpu::generic::fn(__VA_ARGS__);                                                      \
  }
// The copy kernels have no avx512 build (Note [Elementwise translation units]).
#define TC_DISPATCH_COPY(fn, ...)           \
  switch (cap()) {                          \
    case Cap::Avx512:                       \
    case Cap::Avx2:                         \
      return cpu::avx2::fn(__VA_ARGS__);    \
    default:                                \
      return cpu::generic::fn(__VA_ARGS__); \
  }
#else
#define TC_DISPATCH(fn, ...) return cpu::generic::fn(__VA_ARGS__);
#define TC_DISPATCH_COPY(fn, ...) return cpu::generic::fn(__VA_ARGS__);
#define TC_DISPATCH_ELEMENTWISE(fn, dt, ...) return cpu::generic::fn(__VA_ARGS__);
#endif

// Note [Iterators on a device]: an iterator over device memory goes to its
// device's backend; CUDA is the only one, so device memory of another type (a
// test's fake device) has no kernels and raises.
bool on_cuda(const TensorIterator& it) {
  if (!it.on_device_memory()) return false;
  if (it.device().type != DeviceType::CUDA)
    raise(ErrorKind::NotImplemented, "tensorcore has no kernels for '", device_str(it.device()), "' tensors");
  return true;
}

// Each entry releases the GIL around large kernels (Note [Releasing the GIL]).
void binary(BinaryOp op, const TensorIterator& it, DType dt) {
  if (on_cuda(it)) return cuda::binary(op, it, dt);  // Note [Iterators on a device]
  MaybeReleaseGil g(it.numel());
  TC_DISPATCH_ELEMENTWISE(binary, dt, op, it, dt)
}
void unary(UnaryOp op, const TensorIterator& it, DType dt) {
  if (on_cuda(it)) return cuda::unary(op, it, dt);
  MaybeReleaseGil g(it.numel());
  TC_DISPATCH_ELEMENTWISE(unary, dt, op, it, dt)
}
void copy(const TensorIterator& it, DType o, DType i) {
  if (on_cuda(it)) return cuda::copy(it, o, i);
  MaybeReleaseGil g(it.numel());
  TC_DISPATCH_COPY(copy, it, o, i)
}
void where(const TensorIterator& it, DType dt) {
  if (on_cuda(it)) return cuda::where(it, dt);
  MaybeReleaseGil g(it.numel());
  TC_DISPATCH_COPY(where, it, dt)
}
void clamp(const TensorIterator& it, DType dt, bool hl, double lo, bool hh, double hi) {
  if (on_cuda(it)) return cuda::clamp(it, dt, hl, lo, hh, hi);
  MaybeReleaseGil g(it.numel());
  TC_DISPATCH(clamp, it, dt, hl, lo, hh, hi)
}
void lerp(const TensorIterator& it, DType dt) {
  if (on_cuda(it)) return cuda::lerp(it, dt);
  MaybeReleaseGil g(it.numel());
  TC_DISPATCH(lerp, it, dt)
}
void add_scaled(const TensorIterator& it, DType dt, double alpha) {
  if (on_cuda(it)) return cuda::add_scaled(it, dt, alpha);
  MaybeReleaseGil g(it.numel());
  TC_DISPATCH(add_scaled, it, dt, alpha)
}
void fill(void* d, int64_t n, DType dt, double f, int64_t i, double fi) {
  MaybeReleaseGil g(n);
  TC_DISPATCH_COPY(fill, d, n, dt, f, i, fi)
}

void reduce(ReduceOp op, const void* in, DType idt, void* out, DType odt, int64_t o, int64_t l, int64_t i) {
  MaybeReleaseGil g(o * l * i);
  TC_DISPATCH(reduce, op, in, idt, out, odt, o, l, i)
}
void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t ar, int64_t ac, const void* b, int64_t br,
          int64_t bc, void* c, int64_t cr, bool acc) {
  MaybeReleaseGil g(m * n * k / 8);  // a multiply-add is cheaper than an elementwise op's load/store
  TC_DISPATCH(gemm, dt, m, n, k, a, ar, ac, b, br, bc, c, cr, acc)
}
// Keeps the GIL: the calling sampler is in the middle of using its generator,
// which other Python threads could otherwise draw from concurrently.
void box_muller_f32(float* data, int64_t blocks, float mean,
                    float std){TC_DISPATCH(box_muller_f32, data, blocks, mean, std)}

int64_t gemm_packed_b_size(DType dt, int64_t k, int64_t n) {
  TC_DISPATCH(gemm_packed_b_size, dt, k, n)
}
void gemm_pack_b(DType dt, int64_t k, int64_t n, const void* b, int64_t br, int64_t bc, void* packed) {
  MaybeReleaseGil g(k * n);
  TC_DISPATCH(gemm_pack_b, dt, k, n, b, br, bc, packed)
}
void gemm_prepacked_b(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t ar, int64_t ac,
                      const void* packed, void* c, int64_t cr, bool acc) {
  MaybeReleaseGil g(m * n * k / 8);
  TC_DISPATCH(gemm_prepacked_b, dt, m, n, k, a, ar, ac, packed, c, cr, acc)
}

// ---- bfloat16 GEMM paths (Note [bfloat16 GEMM]) ----
bool bf16_gemm_native_supported() {
#if defined(TC_HAVE_BF16_GEMM_NATIVE)
  static const bool ok = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
  }();
  return ok;
#else
  return false;
#endif
}

namespace {
std::atomic<int>& bf16_path_slot() {
  static std::atomic<int> slot{[] {
    const char* env = std::getenv("TENSORCORE_BF16_GEMM");
    if (env && std::strcmp(env, "convert") == 0) return int(Bf16GemmPath::Convert);
    if (env && std::strcmp(env, "emulated") == 0) return int(Bf16GemmPath::Emulated);
    return int(bf16_gemm_native_supported() ? Bf16GemmPath::Native : Bf16GemmPath::Convert);
  }()};
  return slot;
}
}  // namespace

Bf16GemmPath bf16_gemm_path() { return static_cast<Bf16GemmPath>(bf16_path_slot().load(std::memory_order_relaxed)); }

bool set_bf16_gemm_path(Bf16GemmPath path) {
  if (path == Bf16GemmPath::Native && !bf16_gemm_native_supported()) return false;
  bf16_path_slot().store(int(path), std::memory_order_relaxed);
  return true;
}

void gemm_bf16(Bf16GemmPath path, int64_t m, int64_t n, int64_t k, const void* a, int64_t ar, int64_t ac, const void* b,
               int64_t br, int64_t bc, void* c, int64_t cr, bool bf16_out) {
  MaybeReleaseGil g(m * n * k / 16);
#ifdef TC_HAVE_BF16_GEMM_NATIVE
  if (path == Bf16GemmPath::Native && bf16_gemm_native_supported())
    return cpu::bf16_native::gemm_bf16(m, n, k, a, ar, ac, b, br, bc, c, cr, bf16_out);
#endif
  TC_CHECK(path == Bf16GemmPath::Emulated, "gemm_bf16: the native bfloat16 kernel is not available on this CPU");
  cpu::bf16_emulated::gemm_bf16(m, n, k, a, ar, ac, b, br, bc, c, cr, bf16_out);
}

static int64_t fma_peak_loop(DType dt, int64_t iters, double* checksum) {
  TC_DISPATCH(fma_peak_loop, dt, iters, checksum)
}

double measure_fma_peak_gflops(DType dt) {
  TC_CHECK_TYPE(dt == DType::Float32 || dt == DType::Float64,
                "measure_fma_peak_gflops: expected float32 or float64, got ", dtype_name(dt));
  MaybeReleaseGil g(int64_t(1) << 40);  // ~100 ms of pure arithmetic
  // Many short runs, best of them: a run of 1-2 ms usually fits in one
  // scheduler time slice, so the best one is unpreempted even on a busy machine.
  double checksum = 0, best = 0;
  int64_t iters = 1 << 10;
  for (int run = 0; run < 80; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t flops = fma_peak_loop(dt, iters, &checksum);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (seconds < 1e-3) {  // calibration (and warm-up): grow until one run takes 1-2 ms
      iters *= 2;
      continue;
    }
    best = std::max(best, static_cast<double>(flops) / seconds * 1e-9);
  }
  return checksum == checksum ? best : 0.0;  // reads the checksum, so the loop cannot be dropped
}

void lstm_cell_forward(DType dt, int64_t rows, int64_t H, const void* gates, const void* c_prev, void* h, void* c,
                       void* ws) {
  MaybeReleaseGil g(rows * H * 8);  // five transcendentals per unit
  TC_DISPATCH(lstm_cell_forward, dt, rows, H, gates, c_prev, h, c, ws)
}
void lstm_cell_backward(DType dt, int64_t rows, int64_t H, const void* ws, const void* c_prev, const void* dh,
                        const void* dc, void* dgates, void* dc_prev) {
  MaybeReleaseGil g(rows * H * 4);
  TC_DISPATCH(lstm_cell_backward, dt, rows, H, ws, c_prev, dh, dc, dgates, dc_prev)
}
void gru_cell_forward(DType dt, int64_t rows, int64_t H, const void* xg, const void* hg, const void* h_prev, void* h,
                      void* ws) {
  MaybeReleaseGil g(rows * H * 6);
  TC_DISPATCH(gru_cell_forward, dt, rows, H, xg, hg, h_prev, h, ws)
}
void gru_cell_backward(DType dt, int64_t rows, int64_t H, const void* ws, const void* h_prev, const void* dh, void* dxg,
                       void* dhg, void* dh_prev) {
  MaybeReleaseGil g(rows * H * 4);
  TC_DISPATCH(gru_cell_backward, dt, rows, H, ws, h_prev, dh, dxg, dhg, dh_prev)
}

// Work of one attention pass, in the units MaybeReleaseGil expects (as gemm's).
static int64_t attention_work(const AttentionArgs& a) { return a.batch_heads * a.L * a.S * (a.E + a.Ev) / 8; }

void attention_forward(const AttentionArgs& a, void* out, const int64_t* out_off, int64_t out_row, void* lse) {
  MaybeReleaseGil g(attention_work(a));
  TC_DISPATCH(attention_forward, a, out, out_off, out_row, lse)
}
void attention_backward(const AttentionArgs& a, const void* out, const int64_t* out_off, int64_t out_row,
                        const void* lse, const void* grad, const int64_t* grad_off, int64_t grad_row, void* dq,
                        void* dk, void* dv, void* dmask) {
  MaybeReleaseGil g(3 * attention_work(a));
  TC_DISPATCH(attention_backward, a, out, out_off, out_row, lse, grad, grad_off, grad_row, dq, dk, dv, dmask)
}

const char* cpu_capability() {
  switch (cap()) {
    case Cap::Avx512:
      return "avx512";
    case Cap::Avx2:
      return "avx2";
    default:
      return "generic";
  }
}

}  // namespace tc::kernels

// ---- nn and scan kernels (backend/kernels_nn.h, backend/kernels_scan.h) ----
namespace tc::kernels {

void softmax_forward(DType dt, bool log, const void* x, void* y, int64_t outer, int64_t len, int64_t inner) {
  MaybeReleaseGil g(outer * len * inner * 4);  // an exp per element
  TC_DISPATCH(softmax_forward, dt, log, x, y, outer, len, inner)
}
void softmax_backward(DType dt, bool log, const void* g, const void* y, void* gx, int64_t outer, int64_t len,
                      int64_t inner) {
  MaybeReleaseGil gil(outer * len * inner * (log ? 4 : 2));
  TC_DISPATCH(softmax_backward, dt, log, g, y, gx, outer, len, inner)
}
void activation_forward(Activation act, DType dt, int64_t n, const void* x, void* y, ActivationParams p) {
  MaybeReleaseGil g(n * 8);
  TC_DISPATCH(activation_forward, act, dt, n, x, y, p)
}
void activation_backward(Activation act, DType dt, int64_t n, const void* g, const void* x, void* gx,
                         ActivationParams p, bool from_result) {
  MaybeReleaseGil gil(n * 8);
  TC_DISPATCH(activation_backward, act, dt, n, g, x, gx, p, from_result)
}
void layer_norm_forward(DType dt, int64_t rows, int64_t M, const void* x, const void* w, const void* b, double eps,
                        void* y, void* mean, void* rstd) {
  MaybeReleaseGil g(rows * M * 3);
  TC_DISPATCH(layer_norm_forward, dt, rows, M, x, w, b, eps, y, mean, rstd)
}
void layer_norm_backward(DType dt, int64_t rows, int64_t M, const void* g, const void* x, const void* mean,
                         const void* rstd, const void* w, void* gx, void* gw, void* gb) {
  MaybeReleaseGil gil(rows * M * 4);
  TC_DISPATCH(layer_norm_backward, dt, rows, M, g, x, mean, rstd, w, gx, gw, gb)
}
bool nll_loss_forward(DType dt, int64_t N, int64_t C, int64_t R, const void* logp, const int64_t* target, const void* w,
                      int64_t ignore_index, void* out, double* weight_sum, int64_t* bad_target) {
  MaybeReleaseGil g(N * R);
  TC_DISPATCH(nll_loss_forward, dt, N, C, R, logp, target, w, ignore_index, out, weight_sum, bad_target)
}
void tanh_backward(DType dt, int64_t n, const void* g, const void* y, void* out) {
  MaybeReleaseGil gil(n);
  TC_DISPATCH(tanh_backward, dt, n, g, y, out)
}
void nll_loss_backward(DType dt, int64_t N, int64_t C, int64_t R, const int64_t* target, const void* w,
                       int64_t ignore_index, const void* grad_out, bool per_element, const void* weight_sum,
                       void* grad_in) {
  MaybeReleaseGil g(N * C * R);
  TC_DISPATCH(nll_loss_backward, dt, N, C, R, target, w, ignore_index, grad_out, per_element, weight_sum, grad_in)
}
bool pointwise_loss(PointwiseLoss loss, DType dt, int64_t n, const void* x, const void* y, const void* w,
                    const void* pos_weight, void* out) {
  MaybeReleaseGil g(loss == PointwiseLoss::Mse ? n : n * 8);
  TC_DISPATCH(pointwise_loss, loss, dt, n, x, y, w, pos_weight, out)
}
void cumsum(DType dt, const void* x, void* y, int64_t outer, int64_t len, int64_t inner, bool narrow) {
  MaybeReleaseGil g(outer * len * inner);
  TC_DISPATCH(cumsum, dt, x, y, outer, len, inner, narrow)
}
void cumprod(DType dt, const void* x, void* y, int64_t outer, int64_t len, int64_t inner, bool narrow) {
  MaybeReleaseGil g(outer * len * inner);
  TC_DISPATCH(cumprod, dt, x, y, outer, len, inner, narrow)
}
void sort_rows(DType dt, const void* x, int64_t rows, int64_t len, int64_t k, bool largest, void* values,
               int64_t* indices) {
  MaybeReleaseGil g(rows * len * 8);
  TC_DISPATCH(sort_rows, dt, x, rows, len, k, largest, values, indices)
}

}  // namespace tc::kernels

// ---- convolution and pooling (backend/kernels_conv.h) ----
#define TC_DECLARE_CONV_CAP(cap)                                                                            \
  namespace tc::cpu::cap {                                                                                  \
  void conv2d_forward(DType, const kernels::ConvGeometry&, const void*, const void*, const void*, void*);   \
  void conv2d_backward_input(DType, const kernels::ConvGeometry&, const void*, const void*, void*);         \
  void conv2d_backward_weight(DType, const kernels::ConvGeometry&, const void*, const void*, void*, void*); \
  void max_pool2d_forward(DType, const kernels::PoolGeometry&, const void*, void*, int64_t*);               \
  void max_pool2d_backward(DType, const kernels::PoolGeometry&, const void*, const int64_t*, void*);        \
  void avg_pool2d_forward(DType, const kernels::PoolGeometry&, bool, int64_t, const void*, void*);          \
  void avg_pool2d_backward(DType, const kernels::PoolGeometry&, bool, int64_t, const void*, void*);         \
  void adaptive_avg_pool2d_forward(DType, const kernels::PoolGeometry&, const void*, void*);                \
  void adaptive_avg_pool2d_backward(DType, const kernels::PoolGeometry&, const void*, void*);               \
  }
TC_DECLARE_CONV_CAP(generic)
#ifdef TC_HAVE_X86_DISPATCH
TC_DECLARE_CONV_CAP(avx2)
#ifdef TC_HAVE_AVX512_KERNELS
TC_DECLARE_CONV_CAP(avx512)
#endif
#endif

namespace tc::kernels {
namespace {
// Multiply-adds of one convolution pass, in the units MaybeReleaseGil expects (as gemm's).
int64_t conv_work(const ConvGeometry& g) {
  return g.N * g.O * g.OH * g.OW * (g.groups > 0 ? g.C / g.groups : g.C) * g.KH * g.KW / 8;
}
int64_t pool_work(const PoolGeometry& p) { return p.planes * p.OH * p.OW * p.KH * p.KW + p.planes * p.H * p.W; }
}  // namespace

void conv2d_forward(DType dt, const ConvGeometry& g, const void* x, const void* w, const void* bias, void* out) {
  MaybeReleaseGil gil(conv_work(g));
  TC_DISPATCH(conv2d_forward, dt, g, x, w, bias, out)
}
void conv2d_backward_input(DType dt, const ConvGeometry& g, const void* grad_out, const void* w, void* grad_x) {
  MaybeReleaseGil gil(conv_work(g));
  TC_DISPATCH(conv2d_backward_input, dt, g, grad_out, w, grad_x)
}
void conv2d_backward_weight(DType dt, const ConvGeometry& g, const void* grad_out, const void* x, void* grad_w,
                            void* grad_bias) {
  MaybeReleaseGil gil(conv_work(g));
  TC_DISPATCH(conv2d_backward_weight, dt, g, grad_out, x, grad_w, grad_bias)
}
void max_pool2d_forward(DType dt, const PoolGeometry& p, const void* x, void* out, int64_t* indices) {
  MaybeReleaseGil gil(pool_work(p));
  TC_DISPATCH(max_pool2d_forward, dt, p, x, out, indices)
}
void max_pool2d_backward(DType dt, const PoolGeometry& p, const void* grad_out, const int64_t* indices, void* grad_x) {
  MaybeReleaseGil gil(pool_work(p));
  TC_DISPATCH(max_pool2d_backward, dt, p, grad_out, indices, grad_x)
}
void avg_pool2d_forward(DType dt, const PoolGeometry& p, bool include_pad, int64_t divisor, const void* x, void* out) {
  MaybeReleaseGil gil(pool_work(p));
  TC_DISPATCH(avg_pool2d_forward, dt, p, include_pad, divisor, x, out)
}
void avg_pool2d_backward(DType dt, const PoolGeometry& p, bool include_pad, int64_t divisor, const void* grad_out,
                         void* grad_x) {
  MaybeReleaseGil gil(pool_work(p));
  TC_DISPATCH(avg_pool2d_backward, dt, p, include_pad, divisor, grad_out, grad_x)
}
void adaptive_avg_pool2d_forward(DType dt, const PoolGeometry& p, const void* x, void* out) {
  MaybeReleaseGil gil(p.planes * p.H * p.W);
  TC_DISPATCH(adaptive_avg_pool2d_forward, dt, p, x, out)
}
void adaptive_avg_pool2d_backward(DType dt, const PoolGeometry& p, const void* grad_out, void* grad_x) {
  MaybeReleaseGil gil(p.planes * p.H * p.W);
  TC_DISPATCH(adaptive_avg_pool2d_backward, dt, p, grad_out, grad_x)
}

}  // namespace tc::kernels
