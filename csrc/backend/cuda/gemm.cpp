// Matrix products on CUDA through cuBLAS, loaded at run time.
//
// Note [cuBLAS at run time]
// cuBLAS is not linked: a CPU-only machine running a CUDA build must not
// need it, and the CUDA toolkit on the build machines has no cuBLAS (it comes
// from the `nvidia-cublas` wheel, as PyTorch's does). The first product on a
// device dlopens libcublas (TENSORCORE_CUBLAS_LIBRARY when set, else the
// sonames of CUDA 13 and 12; tensorcore.cuda preloads the wheel's copy, so the
// soname resolves to it) and looks up the handful of entry points declared
// below with their documented C ABI. TF32 stays off, as in PyTorch
// (torch.backends.cuda.matmul.allow_tf32 = False): the handle's math mode is
// CUBLAS_DEFAULT_MATH, which never rounds float32 inputs to TF32, and
// float16/bfloat16 products accumulate in float32 (CUBLAS_COMPUTE_32F).
#include <dlfcn.h>
#include <library_types.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda_api.h"

namespace tc::cuda {
namespace {

// The slice of cublas_api.h used here (values from the cuBLAS documentation).
using cublasHandle_t = void*;
using cublasStatus_t = int;
enum cublasOperation_t : int { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };
enum cublasMath_t : int { CUBLAS_DEFAULT_MATH = 0 };
enum cublasComputeType_t : int { CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_64F = 70 };
constexpr int CUBLAS_GEMM_DEFAULT = -1;

struct Cublas {
  cublasStatus_t (*create)(cublasHandle_t*) = nullptr;
  cublasStatus_t (*set_math_mode)(cublasHandle_t, cublasMath_t) = nullptr;
  cublasStatus_t (*sgemm)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const float*,
                          const float*, int, const float*, int, const float*, float*, int) = nullptr;
  cublasStatus_t (*dgemm)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const double*,
                          const double*, int, const double*, int, const double*, double*, int) = nullptr;
  cublasStatus_t (*gemm_ex)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                            const void*, cudaDataType_t, int, const void*, cudaDataType_t, int, const void*, void*,
                            cudaDataType_t, int, cublasComputeType_t, int) = nullptr;
  std::string error;  // why loading failed
};

template <typename Fn> bool bind(void* lib, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return fn != nullptr;
}

const Cublas& cublas() {
  static const Cublas lib = [] {
    Cublas c;
    const char* forced = std::getenv("TENSORCORE_CUBLAS_LIBRARY");
    void* h = nullptr;
    for (const char* name : {forced, "libcublas.so.13", "libcublas.so.12", "libcublas.so"}) {
      if (name && (h = dlopen(name, RTLD_NOW | RTLD_GLOBAL))) break;
    }
    if (!h) {
      c.error =
          "cuBLAS was not found (install the nvidia-cublas wheel, or set TENSORCORE_CUBLAS_LIBRARY to "
          "libcublas.so's path)";
      return c;
    }
    if (!(bind(h, "cublasCreate_v2", c.create) && bind(h, "cublasSetMathMode", c.set_math_mode) &&
          bind(h, "cublasSgemm_v2", c.sgemm) && bind(h, "cublasDgemm_v2", c.dgemm) &&
          bind(h, "cublasGemmEx", c.gemm_ex)))
      c.error = "the cuBLAS library found lacks cublasGemmEx or cublasSgemm_v2";
    return c;
  }();
  return lib;
}

// One handle per device, made on first use (handles are per device and
// thread-safe for use on one stream).
cublasHandle_t handle_for(int device) {
  static std::mutex mu;
  static cublasHandle_t handles[64] = {};
  const Cublas& c = cublas();
  TC_CHECK(c.error.empty(), "[mm] ", c.error);
  TC_CHECK(device >= 0 && device < 64, "[mm] device index ", device, " out of range");
  std::lock_guard<std::mutex> lock(mu);
  if (!handles[device]) {
    cublasHandle_t h = nullptr;
    TC_CHECK(c.create(&h) == 0 && h, "[mm] cublasCreate failed on cuda:", device);
    c.set_math_mode(h, CUBLAS_DEFAULT_MATH);
    handles[device] = h;
  }
  return handles[device];
}

// How a row-major [rows, cols] operand with element strides (rs, cs) reads as
// cuBLAS's column-major: its transpose with leading dim rs when cs == 1, or
// itself (op T) with leading dim cs when rs == 1.
struct Operand {
  cublasOperation_t op;
  int ld;
};
bool as_cublas(int64_t rows, int64_t cols, int64_t rs, int64_t cs, Operand* o) {
  if (cs == 1 && rs >= (cols > 1 ? cols : 1)) {
    *o = {CUBLAS_OP_N, static_cast<int>(rs)};
    return true;
  }
  if (rs == 1 && cs >= (rows > 1 ? rows : 1)) {
    *o = {CUBLAS_OP_T, static_cast<int>(cs)};
    return true;
  }
  return false;
}

}  // namespace

bool gemm_layout_supported(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  Operand o;
  return as_cublas(rows, cols, rs, cs, &o) && rows <= INT32_MAX && cols <= INT32_MAX;
}

// Row-major C = A @ B is column-major C^T = B^T @ A^T: cuBLAS gets (B, A).
void gemm(Device device, DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t ar, int64_t ac,
          const void* b, int64_t br, int64_t bc, void* c, int64_t cr, bool accumulate) {
  if (m == 0 || n == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  Operand oa, ob;
  TC_CHECK(as_cublas(m, k, ar, ac, &oa) && as_cublas(k, n, br, bc, &ob) && m <= INT32_MAX && n <= INT32_MAX &&
               k <= INT32_MAX && cr <= INT32_MAX,
           "[mm] internal: operand layout not supported by cuBLAS (the op should have made it contiguous)");
  int current = 0;
  check(cudaGetDevice(&current), "cudaGetDevice");
  cublasHandle_t h = handle_for(current);
  const Cublas& lib = cublas();
  const int M = static_cast<int>(m), N = static_cast<int>(n), K = static_cast<int>(k), ldc = static_cast<int>(cr);
  cublasStatus_t st = 0;
  if (dt == DType::Float32) {
    const float one = 1, beta = accumulate ? 1.f : 0.f;
    st = lib.sgemm(h, ob.op, oa.op, N, M, K, &one, static_cast<const float*>(b), ob.ld, static_cast<const float*>(a),
                   oa.ld, &beta, static_cast<float*>(c), ldc);
  } else if (dt == DType::Float64) {
    const double one = 1, beta = accumulate ? 1.0 : 0.0;
    st = lib.dgemm(h, ob.op, oa.op, N, M, K, &one, static_cast<const double*>(b), ob.ld, static_cast<const double*>(a),
                   oa.ld, &beta, static_cast<double*>(c), ldc);
  } else if (dt == DType::Float16 || dt == DType::BFloat16) {
    const cudaDataType_t t = dt == DType::Float16 ? CUDA_R_16F : CUDA_R_16BF;
    const float one = 1, beta = accumulate ? 1.f : 0.f;
    st = lib.gemm_ex(h, ob.op, oa.op, N, M, K, &one, b, t, ob.ld, a, t, oa.ld, &beta, c, t, ldc, CUBLAS_COMPUTE_32F,
                     CUBLAS_GEMM_DEFAULT);
  } else {
    raise(ErrorKind::NotImplemented, "[mm] tensorcore's CUDA backend has no product for '", dtype_name(dt),
          "' (float32, float64, float16 and bfloat16 only)");
  }
  TC_CHECK(st == 0, "[mm] cuBLAS error ", st, " for a ", m, "x", k, " @ ", k, "x", n, " ", dtype_name(dt), " product");
}

}  // namespace tc::cuda
