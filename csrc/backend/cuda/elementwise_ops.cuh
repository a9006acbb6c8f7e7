#pragma once
// Binary and unary table ops (backend/op_tables.h) on the device: the same
// scalar functors as the CPU's (backend/functors.h, TC_HD), the same dtype
// handling -- compute dtypes directly, storage dtypes (float16, bfloat16,
// uint8, int8, int16) loaded into their compute type and rounded once on the
// store (Note [Half types compute in float]) -- over the iterator's geometry
// (Note [Device elementwise geometry]). Complex arithmetic has no device
// kernels yet: it raises NotImplementedError naming the op.
#include <type_traits>

#include "backend/cuda/elementwise.cuh"
#include "backend/functors.h"
#include "core/half.h"

namespace tc::cuda {

// Calls f(type_tag<S>{}, type_tag<C>{}) for a storage dtype S and its compute type C.
template <typename F> void dispatch_storage_dtype(DType dt, F&& f) {
  switch (dt) {
    case DType::Float16:
      return f(type_tag<Half>{}, type_tag<float>{});
    case DType::BFloat16:
      return f(type_tag<BFloat16>{}, type_tag<float>{});
    case DType::Uint8:
      return f(type_tag<uint8_t>{}, type_tag<int32_t>{});
    case DType::Int8:
      return f(type_tag<int8_t>{}, type_tag<int32_t>{});
    case DType::Int16:
      return f(type_tag<int16_t>{}, type_tag<int32_t>{});
    default:
      raise_no_kernel_for(dt);
  }
}

// Kernel bodies: functors rather than lambdas, because nvcc allows no
// __device__ lambda inside the generic lambdas the dtype dispatch uses.
template <typename R, typename T, typename F> struct BinaryBody {
  F f;
  __device__ void operator()(char** p) const {
    *reinterpret_cast<R*>(p[0]) = f(*reinterpret_cast<const T*>(p[1]), *reinterpret_cast<const T*>(p[2]));
  }
};
template <typename S, typename C, bool Pred, typename F> struct StorageBinaryBody {
  F f;
  __device__ void operator()(char** p) const {
    const C a = convert_value<C>(*reinterpret_cast<const S*>(p[1]));
    const C b = convert_value<C>(*reinterpret_cast<const S*>(p[2]));
    if constexpr (Pred)
      *reinterpret_cast<bool*>(p[0]) = f(a, b);
    else
      *reinterpret_cast<S*>(p[0]) = convert_value<S>(f(a, b));
  }
};
template <typename R, typename T, typename F> struct UnaryBody {
  F f;
  __device__ void operator()(char** p) const { *reinterpret_cast<R*>(p[0]) = f(*reinterpret_cast<const T*>(p[1])); }
};
template <typename S, typename C, bool Pred, typename F> struct StorageUnaryBody {
  F f;
  __device__ void operator()(char** p) const {
    const C a = convert_value<C>(*reinterpret_cast<const S*>(p[1]));
    if constexpr (Pred)
      *reinterpret_cast<bool*>(p[0]) = f(a);
    else
      *reinterpret_cast<S*>(p[0]) = convert_value<S>(f(a));
  }
};

[[noreturn]] inline void raise_no_complex_kernel(const char* op, DType dt) {
  raise(ErrorKind::NotImplemented, "[", op, "] tensorcore's CUDA backend has no kernel for '", dtype_name(dt),
        "' yet; compute on the CPU (.cpu()) for complex tensors");
}

template <typename F, bool Pred, bool IntOnly>
void run_binary(const TensorIterator& it, DType dt, F f, const char* op) {
  if (is_complex(dt)) raise_no_complex_kernel(op, dt);
  if (!is_compute_dtype(dt)) {
    dispatch_storage_dtype(dt, [&](auto stag, auto ctag) {
      using S = typename decltype(stag)::type;
      using C = typename decltype(ctag)::type;
      if constexpr (!(IntOnly && std::is_floating_point_v<C>)) {
        const size_t isz[3] = {Pred ? sizeof(bool) : sizeof(S), sizeof(S), sizeof(S)};
        launch_elementwise<3>(it, isz, op, StorageBinaryBody<S, C, Pred, F>{f});
      }
    });
    return;
  }
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!(IntOnly && std::is_floating_point_v<T>)) {
      using R = std::conditional_t<Pred, bool, T>;
      const size_t isz[3] = {sizeof(R), sizeof(T), sizeof(T)};
      launch_elementwise<3>(it, isz, op, BinaryBody<R, T, F>{f});
    }
  });
}

template <typename F, bool Pred, bool IntOnly> void run_unary(const TensorIterator& it, DType dt, F f, const char* op) {
  if (is_complex(dt)) raise_no_complex_kernel(op, dt);
  if (!is_compute_dtype(dt)) {
    dispatch_storage_dtype(dt, [&](auto stag, auto ctag) {
      using S = typename decltype(stag)::type;
      using C = typename decltype(ctag)::type;
      if constexpr (!(IntOnly && std::is_floating_point_v<C>)) {
        const size_t isz[2] = {Pred ? sizeof(bool) : sizeof(S), sizeof(S)};
        launch_elementwise<2>(it, isz, op, StorageUnaryBody<S, C, Pred, F>{f});
      }
    });
    return;
  }
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!(IntOnly && std::is_floating_point_v<T>)) {
      using R = std::conditional_t<Pred, bool, T>;
      const size_t isz[2] = {sizeof(R), sizeof(T)};
      launch_elementwise<2>(it, isz, op, UnaryBody<R, T, F>{f});
    }
  });
}

}  // namespace tc::cuda
