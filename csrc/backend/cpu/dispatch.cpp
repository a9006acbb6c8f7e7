// Runtime CPU dispatch: each kernel source is compiled once per instruction
// set; the first call picks the best one this CPU supports. One wheel runs on
// any x86-64 (nothing is compiled for the build machine's own CPU).
#include "backend/kernels.h"

#include <cstdlib>
#include <cstring>

#define TC_DECLARE_CAP(cap)                                                            \
  namespace tc::cpu::cap {                                                             \
  void binary(BinaryOp, const TensorIterator&, DType);                                 \
  void unary(UnaryOp, const TensorIterator&, DType);                                   \
  void copy(const TensorIterator&, DType, DType);                                      \
  void where(const TensorIterator&, DType);                                            \
  void clamp(const TensorIterator&, DType, bool, double, bool, double);                \
  void fill(void*, int64_t, DType, double, int64_t);                                   \
  void reduce(kernels::ReduceOp, const void*, DType, void*, DType, int64_t, int64_t, int64_t);     \
  void gemm(DType, int64_t, int64_t, int64_t, const void*, int64_t, int64_t, const void*, \
            int64_t, int64_t, void*, int64_t, bool);                                     \
  void box_muller_f32(float*, int64_t, float, float);                                   \
  }
TC_DECLARE_CAP(generic)
#ifdef TC_HAVE_X86_DISPATCH
TC_DECLARE_CAP(avx2)
TC_DECLARE_CAP(avx512)
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
#define TC_DISPATCH(fn, ...)                                    \
  switch (cap()) {                                              \
    case Cap::Avx512: return cpu::avx512::fn(__VA_ARGS__);      \
    case Cap::Avx2: return cpu::avx2::fn(__VA_ARGS__);          \
    default: return cpu::generic::fn(__VA_ARGS__);              \
  }
#else
#define TC_DISPATCH(fn, ...) return cpu::generic::fn(__VA_ARGS__);
#endif

void binary(BinaryOp op, const TensorIterator& it, DType dt) { TC_DISPATCH(binary, op, it, dt) }
void unary(UnaryOp op, const TensorIterator& it, DType dt) { TC_DISPATCH(unary, op, it, dt) }
void copy(const TensorIterator& it, DType o, DType i) { TC_DISPATCH(copy, it, o, i) }
void where(const TensorIterator& it, DType dt) { TC_DISPATCH(where, it, dt) }
void clamp(const TensorIterator& it, DType dt, bool hl, double lo, bool hh, double hi) {
  TC_DISPATCH(clamp, it, dt, hl, lo, hh, hi)
}
void fill(void* d, int64_t n, DType dt, double f, int64_t i) { TC_DISPATCH(fill, d, n, dt, f, i) }

void reduce(ReduceOp op, const void* in, DType idt, void* out, DType odt, int64_t o, int64_t l, int64_t i) {
  TC_DISPATCH(reduce, op, in, idt, out, odt, o, l, i)
}
void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t ar, int64_t ac, const void* b,
          int64_t br, int64_t bc, void* c, int64_t cr, bool acc) {
  TC_DISPATCH(gemm, dt, m, n, k, a, ar, ac, b, br, bc, c, cr, acc)
}
void box_muller_f32(float* data, int64_t blocks, float mean, float std) {
  TC_DISPATCH(box_muller_f32, data, blocks, mean, std)
}

const char* cpu_capability() {
  switch (cap()) {
    case Cap::Avx512: return "avx512";
    case Cap::Avx2: return "avx2";
    default: return "generic";
  }
}

}  // namespace tc::kernels
