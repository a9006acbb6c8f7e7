#pragma once
// The one parallel_for every kernel uses.
//
// Note [Deterministic parallelism]
// parallel_for splits [begin, end) into contiguous chunks of at least `grain`
// iterations. Kernels must produce results that do not depend on how the range
// is split; reductions therefore combine fixed-size blocks in a fixed order
// (see backend/cpu/reduce.cpp), never per-thread partials.
#include <cstdint>
#include <functional>

namespace tc {

int get_num_threads();
void set_num_threads(int n);
bool in_parallel_region();

// f(chunk_begin, chunk_end) is called for disjoint chunks covering the range.
void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f);

}  // namespace tc
