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
  TC_CHECK_INDEX(dim >= -n && dim < n, "[", op, "] Dimension out of range (expected to be in range of [", -n,
                 ", ", n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

}  // namespace tc
