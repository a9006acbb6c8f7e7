#pragma once
// The one dispatch point between ops and backends. Ops build a TensorIterator
// (operands already in the compute dtype) and call these; the CPU versions pick
// the best compiled instruction set at runtime (see cpu/dispatch.cpp).
#include "backend/kernels_conv.h"
#include "backend/op_tables.h"
#include "core/iterator.h"

namespace tc::kernels {

// Operands: (out, a, b); a and b have dtype `compute`.
void binary(BinaryOp op, const TensorIterator& it, DType compute);
// Operands: (out, a); a has dtype `compute`.
void unary(UnaryOp op, const TensorIterator& it, DType compute);
// Operands: (out, in); converts between any two dtypes.
void copy(const TensorIterator& it, DType out, DType in);
// Operands: (out, cond(bool), a, b); a, b and out have dtype `dt`.
void where(const TensorIterator& it, DType dt);
// Operands: (out, a); clamps into [lo, hi] (either may be absent).
void clamp(const TensorIterator& it, DType dt, bool has_lo, double lo, bool has_hi, double hi);
// Fills a contiguous block.
void fill(void* data, int64_t n, DType dt, double fval, int64_t ival);

// Name of the instruction set chosen at runtime ("avx512", "avx2", "generic").
const char* cpu_capability();

}  // namespace tc::kernels

namespace tc::kernels {

enum class ReduceOp { Sum, Prod, Max, Min, All, Any, ArgMax, ArgMin };

// Input viewed as contiguous [outer, len, inner]; reduces the middle dim into
// out [outer, inner] (dtype out_dt; int64 for ArgMax/ArgMin, bool for All/Any).
// Results are bit-identical for any thread count (Note [Deterministic parallelism]).
void reduce(ReduceOp op, const void* in, DType in_dt, void* out, DType out_dt, int64_t outer, int64_t len,
            int64_t inner);

// C[m,n] = A[m,k] @ B[k,n] (+ C when accumulate) for float/double, with
// arbitrary element strides (transposed inputs need no copy).
void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
          const void* b, int64_t ldb_row, int64_t ldb_col, void* c, int64_t ldc_row, bool accumulate);

// gemm with a B [k, n] packed once and reused (Note [Pre-packed B] in
// cpu/gemm_impl.h): the packed buffer holds gemm_packed_b_size elements of
// dt; results are bit-identical to gemm's.
int64_t gemm_packed_b_size(DType dt, int64_t k, int64_t n);
void gemm_pack_b(DType dt, int64_t k, int64_t n, const void* b, int64_t ldb_row, int64_t ldb_col, void* packed);
void gemm_prepacked_b(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
                      const void* packed_b, void* c, int64_t ldc_row, bool accumulate);

}  // namespace tc::kernels

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
