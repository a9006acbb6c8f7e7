#pragma once
// Reductions over one dimension of a contiguous [outer, len, inner] view.
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

enum class ReduceOp { Sum, Prod, Max, Min, All, Any, ArgMax, ArgMin };

// Input viewed as contiguous [outer, len, inner]; reduces the middle dim into
// out [outer, inner] (dtype out_dt; int64 for ArgMax/ArgMin, bool for All/Any).
// Results are bit-identical for any thread count (Note [Deterministic parallelism]).
void reduce(ReduceOp op, const void* in, DType in_dt, void* out, DType out_dt, int64_t outer, int64_t len,
            int64_t inner);

}  // namespace tc::kernels
