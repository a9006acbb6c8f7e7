// Recurrent layers (ops/rnn_ops.h).
//
// Note [Recurrent time loop]
// A layer runs its whole sequence here, in C++, out of a few differentiable
// ops per step, so autograd records the graph by itself and gradients of
// gradients work:
//   - the input projection of every step at once: one GEMM, x W_ih^T + b
//     (for LSTM and the plain RNN both biases are folded into it; GRU keeps
//     b_hh with the recurrent product because r multiplies W_hn h + b_hn);
//   - the projection is split into per-step views with one unbind (or
//     split_with_sizes for packed data), so backward assembles the gradient
//     of the projection once instead of scattering T full-size gradients;
//   - per step one addmm for the recurrent product (with the weight packed
//     once, Note [Recurrent product]) and one fused gate op
//     (lstm_cell_fused / gru_cell_fused: one kernel and one backward node
//     instead of a dozen elementwise nodes), or tanh/relu for the plain RNN;
//   - one stack (or cat for packed data) of the step outputs.
// Packed sequences shrink the batch as sequences end (batch_sizes is
// non-increasing): the forward direction drops the finished rows from the
// running state and keeps them for h_n; the reverse direction starts with the
// shortest batch and appends rows of h0 as longer sequences begin.
#include "autograd/function.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/rnn_ops.h"

namespace tc::ops {

using autograd::FormulaNode;
using autograd::record;
using Grads = std::vector<Tensor>;

namespace {

Tensor contig(const Tensor& t) {
  autograd::NoGradGuard ng;
  return contiguous(t);
}

Tensor one_minus(const Tensor& t) { return add_scalar(neg(t), 1.0); }
Tensor sigmoid_op(const Tensor& t) { return unary(UnaryOp::Sigmoid, t); }
Tensor tanh_op(const Tensor& t) { return unary(UnaryOp::Tanh, t); }

void check_float(const Tensor& t, const char* op, const char* what) {
  TC_CHECK(t.dtype() == DType::Float32 || t.dtype() == DType::Float64, "[", op, "] expected ", what,
           " to be float32 or float64, got ", dtype_name(t.dtype()));
}

// Note [16-bit recurrent layers]
// float16/bfloat16 cells and layers run in float32 and round their outputs
// once: the gate products, sigmoids and cell updates stay in float32, where
// PyTorch's CPU kernels round after each op (so the last bit may differ).
// The conversions are differentiable, so gradients reach the 16-bit weights
// in their own dtype.
bool is_16bit_float(DType d) { return d == DType::Float16 || d == DType::BFloat16; }
Tensor in_float32(const Tensor& t) { return t.defined() ? to_dtype(t, DType::Float32) : t; }
std::vector<Tensor> rounded_to(std::vector<Tensor> ts, DType d) {
  for (Tensor& t : ts)
    if (t.defined()) t = to_dtype(t, d);
  return ts;
}

void check_same_dtype(const Tensor& t, const Tensor& ref, const char* op, const char* what) {
  if (!t.defined()) return;
  TC_CHECK(t.dtype() == ref.dtype(), "[", op, "] expected ", what, " to have dtype ", dtype_name(ref.dtype()),
           " (the input's), got ", dtype_name(t.dtype()));
}

void check_shape(const Tensor& t, const Shape& expect, const char* op, const char* what) {
  if (!t.defined()) return;
  TC_CHECK(t.sizes() == expect, "[", op, "] expected ", what, " of shape ", shape_str(expect), ", got ",
           shape_str(t.sizes()));
}

// ---- fused LSTM cell ----

// The derivative with differentiable ops, for create_graph=True (Note [LSTM
// cell workspace] has the formulas the kernel evaluates).
Grads lstm_cell_composite_grad(const Tensor& gates, const Tensor& c_prev, const Tensor& gh, const Tensor& gc) {
  std::vector<Tensor> p = chunk(gates, 4, 1);
  Tensor i = sigmoid_op(p[0]), f = sigmoid_op(p[1]), g = tanh_op(p[2]), o = sigmoid_op(p[3]);
  Tensor c = add(mul(f, c_prev), mul(i, g));
  Tensor tc = tanh_op(c);
  Tensor dh = gh.defined() ? gh : zeros_like(c);
  Tensor dct = mul(mul(dh, o), one_minus(mul(tc, tc)));
  if (gc.defined()) dct = add(dct, gc);
  Tensor di = mul(mul(dct, g), mul(i, one_minus(i)));
  Tensor df = mul(mul(dct, c_prev), mul(f, one_minus(f)));
  Tensor dg = mul(mul(dct, i), one_minus(mul(g, g)));
  Tensor dout = mul(mul(dh, tc), mul(o, one_minus(o)));
  return {cat({di, df, dg, dout}, 1), mul(dct, f)};
}

Grads lstm_cell_formula(FormulaNode& n, const Grads& g) {
  Tensor gates = n.saved_at(0), c_prev = n.saved_at(1);
  Tensor gh = g.size() > 0 ? g[0] : Tensor(), gc = g.size() > 1 ? g[1] : Tensor();
  if (!gh.defined() && !gc.defined()) return {Tensor(), Tensor()};
  if (autograd::grad_enabled()) return lstm_cell_composite_grad(gates, c_prev, gh, gc);
  Tensor ws = n.saved_at(2);
  Tensor cp = contig(c_prev);
  if (gh.defined()) gh = contig(gh);
  if (gc.defined()) gc = contig(gc);
  int64_t rows = cp.size(0), H = cp.size(1);
  Tensor dgates = empty({rows, 4 * H}, cp.dtype()), dc_prev = empty({rows, H}, cp.dtype());
  kernels::lstm_cell_backward(cp.dtype(), rows, H, ws.data<char>(), cp.data<char>(),
                              gh.defined() ? gh.data<char>() : nullptr, gc.defined() ? gc.data<char>() : nullptr,
                              dgates.data<char>(), dc_prev.data<char>());
  return {dgates, dc_prev};
}

// ---- fused GRU cell ----

Grads gru_cell_composite_grad(const Tensor& xg, const Tensor& hg, const Tensor& h_prev, const Tensor& gh) {
  std::vector<Tensor> x = chunk(xg, 3, 1), h = chunk(hg, 3, 1);
  Tensor r = sigmoid_op(add(x[0], h[0])), z = sigmoid_op(add(x[1], h[1]));
  Tensor nn = tanh_op(add(x[2], mul(r, h[2])));
  Tensor dn = mul(mul(gh, one_minus(z)), one_minus(mul(nn, nn)));
  Tensor dz = mul(mul(gh, sub(h_prev, nn)), mul(z, one_minus(z)));
  Tensor dr = mul(mul(dn, h[2]), mul(r, one_minus(r)));
  return {cat({dr, dz, dn}, 1), cat({dr, dz, mul(dn, r)}, 1), mul(gh, z)};
}

Grads gru_cell_formula(FormulaNode& n, const Grads& g) {
  if (g.empty() || !g[0].defined()) return {Tensor(), Tensor(), Tensor()};
  Tensor xg = n.saved_at(0), hg = n.saved_at(1), h_prev = n.saved_at(2);
  if (autograd::grad_enabled()) return gru_cell_composite_grad(xg, hg, h_prev, g[0]);
  Tensor ws = n.saved_at(3);
  Tensor hp = contig(h_prev), gh = contig(g[0]);
  int64_t rows = hp.size(0), H = hp.size(1);
  Tensor dxg = empty({rows, 3 * H}, hp.dtype()), dhg = empty({rows, 3 * H}, hp.dtype());
  Tensor dh_prev = empty({rows, H}, hp.dtype());
  kernels::gru_cell_backward(hp.dtype(), rows, H, ws.data<char>(), hp.data<char>(), gh.data<char>(), dxg.data<char>(),
                             dhg.data<char>(), dh_prev.data<char>());
  return {dxg, dhg, dh_prev};
}

// ---- the recurrent product with pre-packed weights ----

// Note [Recurrent product]
// Every step multiplies the running state [batch, hidden] by the same
// recurrent weight. At typical batch sizes packing the weight for the GEMM
// cost more than the product, so a layer packs it once (as B = W^T for the
// forward and, when a backward will run, as B = W for dh = g W) and each step
// runs gemm_prepacked_b (Note [Pre-packed B]). The step records one
// AddmmBackward0 node like addmm's; dW = g^T h is an ordinary mm per step.
struct RecurrentWeight {
  Tensor w;         // [gates, hidden]
  Tensor packed_t;  // W^T packed as the B of h W^T
  Tensor packed;    // W packed as the B of g W (undefined when no backward will run)
};

Tensor pack_as_b(const Tensor& b) {  // b: [k, n], any strides
  DType dt = b.dtype();
  Tensor p = empty({kernels::gemm_packed_b_size(dt, b.size(0), b.size(1))}, dt);
  kernels::gemm_pack_b(dt, b.size(0), b.size(1), b.data<char>(), b.strides()[0], b.strides()[1], p.data<char>());
  return p;
}

RecurrentWeight pack_recurrent_weight(const Tensor& w, bool for_backward) {
  RecurrentWeight r{w, pack_as_b(t(w)), Tensor()};
  if (for_backward) r.packed = pack_as_b(w);
  return r;
}

Grads recurrent_addmm_formula(FormulaNode& n, const Grads& g) {
  Tensor h = n.saved_at(0), w = n.saved_at(1);
  Tensor gx, gh, gw;
  if (n.needs_grad(0)) gx = g[0];
  if (n.needs_grad(1)) {
    if (autograd::grad_enabled()) {
      gh = mm(g[0], w);
    } else {
      Tensor packed = n.saved_at(2), gc = contig(g[0]);
      gh = empty({gc.size(0), w.size(1)}, gc.dtype());
      kernels::gemm_prepacked_b(gc.dtype(), gc.size(0), w.size(1), w.size(0), gc.data<char>(), gc.strides()[0],
                                gc.strides()[1], packed.data<char>(), gh.data<char>(), w.size(1), false);
    }
  }
  if (n.needs_grad(2)) gw = mm(t(g[0]), h);
  return {gx, gh, gw};
}

// x + h W^T for one step; x is [rows, gates], a bias [gates] or undefined.
Tensor recurrent_addmm(const Tensor& x, const Tensor& h, const RecurrentWeight& rw) {
  const Tensor& w = rw.w;
  const int64_t rows = h.size(0), G = w.size(0), K = w.size(1);
  DType dt = h.dtype();
  Tensor out = empty({rows, G}, dt);
  if (x.defined()) {
    autograd::NoGradGuard ng;
    copy_(out, x.dim() == 1 ? expand(x, {rows, G}) : x);
  }
  kernels::gemm_prepacked_b(dt, rows, G, K, h.data<char>(), h.strides()[0], h.strides()[1], rw.packed_t.data<char>(),
                            out.data<char>(), G, x.defined());
  if (auto* n = record("AddmmBackward0", recurrent_addmm_formula, {&x, &h, &w}, {&out})) {
    TC_INTERNAL_ASSERT(rw.packed.defined());
    n->save(h);
    n->save(w);
    n->save(rw.packed);
  }
  return out;
}

// x W^T (+ b), as F.linear on 2-D input.
Tensor linear2d(const Tensor& x, const Tensor& w, const Tensor& b) {
  return b.defined() ? addmm(b, x, t(w)) : mm(x, t(w));
}

int64_t gate_multiple(RnnMode mode) {
  switch (mode) {
    case RnnMode::Lstm:
      return 4;
    case RnnMode::Gru:
      return 3;
    default:
      return 1;
  }
}

const char* mode_name(RnnMode mode) {
  switch (mode) {
    case RnnMode::Lstm:
      return "LSTM";
    case RnnMode::Gru:
      return "GRU";
    case RnnMode::Tanh:
      return "RNN_TANH";
    default:
      return "RNN_RELU";
  }
}

// The recurrent half of one step: the new hidden state (and cell state)
// from this step's input projection `xs` and the running state. wt_hr is the
// transposed projection weight.
void recurrent_step(RnnMode mode, const Tensor& xs, Tensor& h, Tensor& c, const RecurrentWeight& w_hh,
                    const Tensor& b_hh, const Tensor& wt_hr) {
  switch (mode) {
    case RnnMode::Lstm: {
      std::vector<Tensor> hc = lstm_cell_fused(recurrent_addmm(xs, h, w_hh), c);
      h = wt_hr.defined() ? mm(hc[0], wt_hr) : hc[0];
      c = hc[1];
      return;
    }
    case RnnMode::Gru:
      h = gru_cell_fused(xs, recurrent_addmm(b_hh, h, w_hh), h);
      return;
    case RnnMode::Tanh:
      h = tanh_op(recurrent_addmm(xs, h, w_hh));
      return;
    case RnnMode::Relu:
      h = unary(UnaryOp::Relu, recurrent_addmm(xs, h, w_hh));
      return;
  }
}

}  // namespace

std::vector<Tensor> lstm_cell_fused(const Tensor& gates, const Tensor& c_prev) {
  check_float(gates, "lstm_cell", "gates");
  TC_CHECK(
      gates.dim() == 2 && c_prev.dim() == 2 && gates.size(0) == c_prev.size(0) && gates.size(1) == 4 * c_prev.size(1),
      "[lstm_cell] expected gates [rows, 4H] and c_prev [rows, H], got ", shape_str(gates.sizes()), " and ",
      shape_str(c_prev.sizes()));
  check_same_dtype(c_prev, gates, "lstm_cell", "c_prev");
  int64_t rows = c_prev.size(0), H = c_prev.size(1);
  DType dt = gates.dtype();
  Tensor g = contig(gates), cp = contig(c_prev);
  Tensor h = empty({rows, H}, dt), c = empty({rows, H}, dt), ws = empty({rows, 5 * H}, dt);
  kernels::lstm_cell_forward(dt, rows, H, g.data<char>(), cp.data<char>(), h.data<char>(), c.data<char>(),
                             ws.data<char>());
  if (auto* n = record("ThnnFusedLstmCellBackward0", lstm_cell_formula, {&gates, &c_prev}, {&h, &c})) {
    n->save(gates);
    n->save(c_prev);
    n->save(ws);
  }
  return {h, c};
}

Tensor gru_cell_fused(const Tensor& xg, const Tensor& hg, const Tensor& h_prev) {
  check_float(xg, "gru_cell", "input gates");
  TC_CHECK(xg.dim() == 2 && hg.dim() == 2 && h_prev.dim() == 2 && xg.sizes() == hg.sizes() &&
               xg.size(0) == h_prev.size(0) && xg.size(1) == 3 * h_prev.size(1),
           "[gru_cell] expected input and hidden gates [rows, 3H] and h_prev [rows, H], got ", shape_str(xg.sizes()),
           ", ", shape_str(hg.sizes()), " and ", shape_str(h_prev.sizes()));
  check_same_dtype(hg, xg, "gru_cell", "hidden gates");
  check_same_dtype(h_prev, xg, "gru_cell", "h_prev");
  int64_t rows = h_prev.size(0), H = h_prev.size(1);
  DType dt = xg.dtype();
  Tensor x = contig(xg), hh = contig(hg), hp = contig(h_prev);
  Tensor h = empty({rows, H}, dt), ws = empty({rows, 4 * H}, dt);
  kernels::gru_cell_forward(dt, rows, H, x.data<char>(), hh.data<char>(), hp.data<char>(), h.data<char>(),
                            ws.data<char>());
  if (auto* n = record("ThnnFusedGruCellBackward0", gru_cell_formula, {&xg, &hg, &h_prev}, {&h})) {
    n->save(xg);
    n->save(hg);
    n->save(h_prev);
    n->save(ws);
  }
  return h;
}

std::vector<Tensor> rnn_cell(RnnMode mode, const Tensor& x, const Tensor& hx, const Tensor& cx, const Tensor& w_ih,
                             const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  const int64_t mult = gate_multiple(mode);
  if (is_16bit_float(x.dtype())) {  // Note [16-bit recurrent layers]
    for (const Tensor* t : {&hx, &cx, &w_ih, &w_hh, &b_ih, &b_hh})
      check_same_dtype(*t, x, "rnn_cell", "every weight and state");
    return rounded_to(rnn_cell(mode, in_float32(x), in_float32(hx), in_float32(cx), in_float32(w_ih), in_float32(w_hh),
                               in_float32(b_ih), in_float32(b_hh)),
                      x.dtype());
  }
  check_float(x, "rnn_cell", "input");
  TC_CHECK(x.dim() == 2, "[rnn_cell] expected a 2-D input [batch, input_size], got ", shape_str(x.sizes()));
  TC_CHECK(w_ih.dim() == 2 && w_hh.dim() == 2 && w_ih.size(0) % mult == 0, "[rnn_cell] malformed weights of shapes ",
           shape_str(w_ih.sizes()), " and ", shape_str(w_hh.sizes()));
  const int64_t H = w_ih.size(0) / mult;
  TC_CHECK(x.size(1) == w_ih.size(1), "input has inconsistent input_size: got ", x.size(1), " expected ", w_ih.size(1));
  auto check_hidden = [&](const Tensor& h, int idx) {
    TC_CHECK(h.dim() == 2, "[rnn_cell] expected a 2-D hidden", idx, " [batch, hidden_size], got ",
             shape_str(h.sizes()));
    TC_CHECK(x.size(0) == h.size(0), "Input batch size ", x.size(0), " doesn't match hidden", idx, " batch size ",
             h.size(0));
    TC_CHECK(h.size(1) == H, "hidden", idx, " has inconsistent hidden_size: got ", h.size(1), ", expected ", H);
  };
  check_hidden(hx, 0);
  if (mode == RnnMode::Lstm) check_hidden(cx, 1);
  Tensor xg = linear2d(x, w_ih, b_ih), hg = linear2d(hx, w_hh, b_hh);
  switch (mode) {
    case RnnMode::Lstm:
      return lstm_cell_fused(add(xg, hg), cx);
    case RnnMode::Gru:
      return {gru_cell_fused(xg, hg, hx)};
    case RnnMode::Tanh:
      return {tanh_op(add(xg, hg))};
    case RnnMode::Relu:
      return {unary(UnaryOp::Relu, add(xg, hg))};
  }
  return {};
}

std::vector<Tensor> rnn_layer(RnnMode mode, const Tensor& input, const std::vector<int64_t>& batch_sizes,
                              const Tensor& h0, const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh,
                              const Tensor& b_ih, const Tensor& b_hh, const Tensor& w_hr, bool reverse) {
  const char* op = mode_name(mode);
  const bool packed = !batch_sizes.empty();
  const bool lstm = mode == RnnMode::Lstm;
  if (is_16bit_float(input.dtype())) {  // Note [16-bit recurrent layers]
    for (const Tensor* t : {&h0, &c0, &w_ih, &w_hh, &b_ih, &b_hh, &w_hr})
      check_same_dtype(*t, input, op, "every weight and state");
    return rounded_to(rnn_layer(mode, in_float32(input), batch_sizes, in_float32(h0), in_float32(c0), in_float32(w_ih),
                                in_float32(w_hh), in_float32(b_ih), in_float32(b_hh), in_float32(w_hr), reverse),
                      input.dtype());
  }
  check_float(input, op, "input");
  TC_CHECK(input.dim() == (packed ? 2 : 3), "[", op, "] input must have ", packed ? 2 : 3, " dimensions, got ",
           input.dim());
  TC_CHECK(w_ih.dim() == 2 && w_ih.size(0) % gate_multiple(mode) == 0, "[", op, "] malformed weight_ih of shape ",
           shape_str(w_ih.sizes()));
  TC_CHECK(w_hr.defined() ? lstm : true, "[", op, "] weight_hr (proj_size) is only supported for LSTM");
  const int64_t G = w_ih.size(0), H = G / gate_multiple(mode), I = w_ih.size(1);
  const int64_t Hout = w_hr.defined() ? w_hr.size(0) : H;
  TC_CHECK(input.size(input.dim() - 1) == I, "input.size(-1) must be equal to input_size. Expected ", I, ", got ",
           input.size(input.dim() - 1));
  TC_CHECK(h0.defined() && (!lstm || c0.defined()), "[", op, "] the initial state is required");
  TC_CHECK(b_ih.defined() == b_hh.defined(), "[", op, "] expected both biases or neither");
  for (const Tensor* t : {&h0, &c0, &w_ih, &w_hh, &b_ih, &b_hh, &w_hr})
    check_same_dtype(*t, input, op, "every weight and state");
  check_shape(w_hh, {G, Hout}, op, "weight_hh");
  check_shape(b_ih, {G}, op, "bias_ih");
  check_shape(b_hh, {G}, op, "bias_hh");
  check_shape(w_hr, {Hout, H}, op, "weight_hr");

  int64_t T, B;
  if (packed) {
    T = static_cast<int64_t>(batch_sizes.size());
    B = batch_sizes[0];
    int64_t total = 0, prev = B;
    for (int64_t bs : batch_sizes) {
      TC_CHECK(bs >= 1 && bs <= prev, "[", op, "] batch_sizes must be positive and non-increasing, got ", bs, " after ",
               prev);
      prev = bs;
      total += bs;
    }
    TC_CHECK(total == input.size(0), "[", op, "] batch_sizes sum to ", total, " but the packed data has ",
             input.size(0), " rows");
  } else {
    T = input.size(0);
    B = input.size(1);
    TC_CHECK(T > 0, "Expected sequence length to be larger than 0 in RNN");
  }
  check_shape(h0, {B, Hout}, op, "h0");
  if (lstm) check_shape(c0, {B, H}, op, "c0");
  if (!lstm) TC_CHECK(!c0.defined(), "[", op, "] only LSTM takes a cell state");

  // Input projection of every step with one GEMM (Note [Recurrent time loop]).
  Tensor x2d = packed ? input : reshape(input, {T * B, I});
  Tensor xp;
  if (!b_ih.defined())
    xp = mm(x2d, t(w_ih));
  else if (mode == RnnMode::Gru)
    xp = addmm(b_ih, x2d, t(w_ih));
  else
    xp = addmm(add(b_ih, b_hh), x2d, t(w_ih));
  std::vector<Tensor> steps = packed ? split_with_sizes(xp, batch_sizes, 0) : unbind(view(xp, {T, B, G}), 0);

  const bool backward = autograd::any_requires_grad({&input, &h0, &c0, &w_ih, &w_hh, &b_ih, &b_hh, &w_hr});
  const RecurrentWeight rw_hh = pack_recurrent_weight(w_hh, backward);
  const Tensor wt_hr = w_hr.defined() ? t(w_hr) : Tensor();
  const Tensor gru_b_hh = mode == RnnMode::Gru ? b_hh : Tensor();
  std::vector<Tensor> outs(T);
  std::vector<Tensor> done_h, done_c;  // rows whose sequences ended (packed, forward)
  Tensor h = h0, c = c0;
  if (packed && reverse && batch_sizes[T - 1] < B) {
    h = narrow(h0, 0, 0, batch_sizes[T - 1]);
    if (lstm) c = narrow(c0, 0, 0, batch_sizes[T - 1]);
  }
  for (int64_t s = 0; s < T; ++s) {
    const int64_t ti = reverse ? T - 1 - s : s;
    if (packed) {
      const int64_t bs = batch_sizes[ti], cur = h.size(0);
      if (bs < cur) {
        done_h.push_back(narrow(h, 0, bs, cur - bs));
        h = narrow(h, 0, 0, bs);
        if (lstm) {
          done_c.push_back(narrow(c, 0, bs, cur - bs));
          c = narrow(c, 0, 0, bs);
        }
      } else if (bs > cur) {
        h = cat({h, narrow(h0, 0, cur, bs - cur)}, 0);
        if (lstm) c = cat({c, narrow(c0, 0, cur, bs - cur)}, 0);
      }
    }
    recurrent_step(mode, steps[ti], h, c, rw_hh, gru_b_hh, wt_hr);
    outs[ti] = h;
  }
  Tensor output = packed ? cat(outs, 0) : stack(outs, 0);
  // Finished rows were dropped from the end, so the latest dropped are the lowest rows.
  auto assemble = [](Tensor last, std::vector<Tensor>& done) {
    if (done.empty()) return last;
    std::vector<Tensor> parts{last};
    parts.insert(parts.end(), done.rbegin(), done.rend());
    return cat(parts, 0);
  };
  Tensor h_n = assemble(h, done_h);
  Tensor c_n = lstm ? assemble(c, done_c) : Tensor();
  return {output, h_n, c_n};
}

}  // namespace tc::ops
