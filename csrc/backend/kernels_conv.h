#pragma once
// Convolution and pooling kernels (float32 / float64, contiguous NCHW).
// A 1-d problem is the 2-d one with H = KH = OH = 1. The ops (ops/conv.cpp)
// check arguments, compute the output size and allocate; these only loop.
// The CPU versions pick the compiled instruction set at runtime (cpu/dispatch.cpp).
//
// Note [Convolution as im2col + GEMM]
// For one image, cols [C*KH*KW, OH*OW] holds in row (c, kh, kw) and column
// (oh, ow) the input element x[c, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw]
// (0 outside the input: the padding is never materialised). With groups G,
// rows c in group g form the block cols[g] [C/G*KH*KW, OH*OW], and
//   out[n, g]  = W[g] [O/G, C/G*KH*KW] @ cols[g]              (forward)
//   dcols[g]   = W[g]^T @ dout[n, g], dx[n] = col2im(dcols)    (input gradient)
//   dW[g]     += dout[n, g] @ cols[g]^T  summed over n         (weight gradient)
// col2im is im2col's adjoint: it adds every cols element back to the input
// element it was read from (padding positions are dropped).
//
// Every kernel splits work over images (or (image, channel) planes), which are
// independent, so results do not depend on the thread count; the weight
// gradient sums images in fixed blocks combined in a fixed order
// (Note [Deterministic parallelism]).
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

struct ConvGeometry {
  int64_t N = 0, C = 0, H = 0, W = 0;  // input
  int64_t O = 0, KH = 1, KW = 1;       // weight [O, C/groups, KH, KW]
  int64_t OH = 0, OW = 0;              // output
  int64_t sh = 1, sw = 1;              // stride
  int64_t ph = 0, pw = 0;              // padding before (top, left); the after side follows from OH/OW
  int64_t dh = 1, dw = 1;              // dilation
  int64_t groups = 1;
};

// out [N, O, OH, OW] = conv(x [N, C, H, W], w [O, C/G, KH, KW]) + bias [O] (bias may be null).
void conv2d_forward(DType dt, const ConvGeometry& g, const void* x, const void* w, const void* bias, void* out);
// grad_x [N, C, H, W] from grad_out [N, O, OH, OW] and w.
void conv2d_backward_input(DType dt, const ConvGeometry& g, const void* grad_out, const void* w, void* grad_x);
// grad_w [O, C/G, KH, KW] (and grad_bias [O] when not null) from grad_out and x.
void conv2d_backward_weight(DType dt, const ConvGeometry& g, const void* grad_out, const void* x, void* grad_w,
                            void* grad_bias);

// Pooling over `planes` independent [H, W] planes (N*C). Window (oh, ow)
// starts at (oh*sh - ph, ow*sw - pw); positions outside the input are skipped
// (max) or count as zeros (avg, see Note [Average pooling divisor]).
struct PoolGeometry {
  int64_t planes = 0, H = 0, W = 0, OH = 0, OW = 0;
  int64_t KH = 1, KW = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
};

// out and indices [planes, OH, OW]; indices are flat positions in the H*W
// plane of the first maximum (NaN wins, as in PyTorch).
void max_pool2d_forward(DType dt, const PoolGeometry& p, const void* x, void* out, int64_t* indices);
// grad_x [planes, H, W] (overwritten) gets grad_out added at `indices`.
void max_pool2d_backward(DType dt, const PoolGeometry& p, const void* grad_out, const int64_t* indices, void* grad_x);

// Note [Average pooling divisor]
// As PyTorch: a window clipped to [-ph, H + ph) x [-pw, W + pw) has
// `window` cells and `inside` of them in the input; the divisor is
// divisor_override when > 0, else `window` when count_include_pad, else `inside`.
void avg_pool2d_forward(DType dt, const PoolGeometry& p, bool count_include_pad, int64_t divisor_override,
                        const void* x, void* out);
// grad_x [planes, H, W] (overwritten).
void avg_pool2d_backward(DType dt, const PoolGeometry& p, bool count_include_pad, int64_t divisor_override,
                         const void* grad_out, void* grad_x);

// Cell (i, j) averages rows [floor(i*H/OH), ceil((i+1)*H/OH)) and the same
// for columns (only planes, H, W, OH, OW of `p` are read).
void adaptive_avg_pool2d_forward(DType dt, const PoolGeometry& p, const void* x, void* out);
void adaptive_avg_pool2d_backward(DType dt, const PoolGeometry& p, const void* grad_out, void* grad_x);

}  // namespace tc::kernels
