#pragma once
// Small helpers for validating and printing shapes and dims.
#include <string>

#include "core/error.h"
#include "core/tensor.h"

namespace tc {

inline std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

// Wraps a possibly-negative dim into [0, ndim). Scalars accept dims -1 and 0.
inline int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = ndim <= 0 ? 1 : ndim;
  TC_CHECK_INDEX(dim >= -n && dim < n, "[", op, "] Dimension out of range (expected to be in range of [", -n, ", ",
                 n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

// Note [Checked size arithmetic]
// Sizes come from users (expanded views can claim 2^62 elements without
// memory), so a sum or product of sizes may overflow int64; a wrapped result
// would size an allocation smaller than the copies that follow. Every such
// computation goes through these, which raise RuntimeError instead.
inline int64_t checked_size_add(int64_t a, int64_t b, const char* op) {
  int64_t r;
  TC_CHECK(!__builtin_add_overflow(a, b, &r), "[", op, "] size ", a, " + ", b, " overflows int64");
  return r;
}
inline int64_t checked_size_mul(int64_t a, int64_t b, const char* op) {
  int64_t r;
  TC_CHECK(!__builtin_mul_overflow(a, b, &r), "[", op, "] size ", a, " * ", b, " overflows int64");
  return r;
}

}  // namespace tc
