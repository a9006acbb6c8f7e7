#pragma once
// Fused scaled-dot-product attention, forward and backward.
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

// Fused scaled-dot-product attention (Note [Flash attention on the CPU] in
// cpu/attention_impl.h). Every (batch, head) pair `bh` is one matrix problem;
// its Q [L, E], K [S, E], V [S, Ev] and O [L, Ev] start at `base + off[bh]`
// (element offsets, so broadcast and grouped-query heads need no copies) with
// row stride `*_row` and a contiguous last dim.
enum class AttentionMask : int8_t { None, Bool, Float };

struct AttentionArgs {
  DType dtype = DType::Float32;  // float32 or float64, for every tensor except a bool mask
  int64_t batch_heads = 0, L = 0, S = 0, E = 0, Ev = 0;
  const void* q = nullptr;
  const void* k = nullptr;
  const void* v = nullptr;
  const int64_t* q_off = nullptr;
  const int64_t* k_off = nullptr;
  const int64_t* v_off = nullptr;
  int64_t q_row = 0, k_row = 0, v_row = 0;
  // Bool: true takes part; Float: added to the scaled scores. Element (bh, i, j)
  // is at mask + mask_off[bh] + i * mask_row + j * mask_col.
  AttentionMask mask_kind = AttentionMask::None;
  const void* mask = nullptr;
  const int64_t* mask_off = nullptr;
  int64_t mask_row = 0, mask_col = 0;
  bool causal = false;  // row i attends to columns j <= i (top-left aligned)
  double scale = 1.0;
  double dropout_p = 0.0;  // > 0: attention weights dropped by a counter-based stream keyed by `seed`
  uint64_t seed = 0;
};

// Writes O (through out_off/out_row) and the per-row logsumexp of the scaled,
// masked scores into lse [batch_heads, L] (+inf for rows where every column is
// masked, whose output is 0).
void attention_forward(const AttentionArgs& a, void* out, const int64_t* out_off, int64_t out_row, void* lse);

// Gradients from dO (through grad_off/grad_row), the forward's O and lse.
// dq [bh, L, E], dk [bh, S, E], dv [bh, S, Ev] are contiguous and written
// whole (grouped-query heads get one slice per query head; the op sums them);
// dmask [bh, L, S] (the gradient of the additive mask) is written when not null.
void attention_backward(const AttentionArgs& a, const void* out, const int64_t* out_off, int64_t out_row,
                        const void* lse, const void* grad, const int64_t* grad_off, int64_t grad_row, void* dq,
                        void* dk, void* dv, void* dmask);

}  // namespace tc::kernels
