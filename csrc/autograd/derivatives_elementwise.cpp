// Derivative formulas for elementwise ops (see autograd/derivatives.h). The
// unary and binary ops' formulas are columns of their registry rows
// (backend/op_tables.h); this file turns each row into a backward function
// and records nodes for them. The rest (where, clamp, lerp, ...) follow.
#include <array>
#include <cmath>
#include <type_traits>

#include "autograd/derivatives.h"
#include "autograd/formula_math.h"
#include "autograd/node_attrs.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
Tensor num(double v) { return wrapped_scalar(Scalar::from_double(v)); }
Tensor B(BinaryOp op, const Tensor& a, const Tensor& b) { return binary(op, a, b); }
}  // namespace

// ---- the registry rows' gradients (Note [Op tables]) ----
// Each row's node is recorded with inputs (self, other) and saved slots
// (self, other, result); a slot the row's `saves` column does not name stays
// empty. The backward function binds the names the formulas use.
namespace {
using namespace tc::op_registry;

// A saved slot, unpacked the first time a formula reads it: a formula that is
// not needed (its input does not require grad) never checks the slot's version,
// so `b[0] * 2` followed by an in-place write into b still backpropagates.
class Saved {
 public:
  Saved(FormulaNode& n, size_t slot) : n_(n), slot_(slot) {}
  operator const Tensor&() const {
    if (!unpacked_) t_ = n_.saved_at(slot_), unpacked_ = true;
    return t_;
  }

 private:
  FormulaNode& n_;
  size_t slot_;
  mutable Tensor t_;
  mutable bool unpacked_ = false;
};

// div's gradient for `other` in PyTorch's order, -grad * ((self / other) / other)
// (div_tensor_other_backward): float16 / bfloat16 round every step, so the
// order decides the value. It overrides the Div row's d_other column (which
// computes -grad * self / (other * other)); the row itself is left as is
// because op_tables.h is included by every kernel translation unit.
Tensor div_d_other(const Tensor& grad, const Tensor& self, const Tensor& other) {
  using namespace tc::autograd::math;
  return -grad * ((self / other) / other);
}

// Note [Complex gradients of the table formulas]
// The formula columns are written for real inputs as grad * f'(x). For a
// holomorphic op on complex inputs PyTorch's convention (the conjugate
// Wirtinger derivative) wants grad * conj(f'(z)); since every formula is linear
// in grad with real constants, that is conj(formula(conj(grad))), which the
// backward functions below compute when the gradient is complex. A real input
// of such an op gets the real part (the engine's cast to the input's dtype).
// Non-holomorphic ops (abs, angle, real, imag) are compositions over the real
// views instead (Note [Complex through real views], ops/complex.cpp).
Tensor conj_if(bool complex_grad, const Tensor& t) { return complex_grad && t.defined() ? ops::conj(t) : t; }

template <BinaryOp op> Grads binary_backward(FormulaNode& n, const Grads& g);
template <BinaryOp op> Grads binary_not_implemented(FormulaNode& n, const Grads& g);
template <UnaryOp op> Grads unary_backward(FormulaNode& n, const Grads& g);

#define TC_BINARY_BACKWARD(E, name, F, rule, forms, aliases, node, saves, d_self, d_other)                            \
  template <> Grads binary_backward<BinaryOp::E>([[maybe_unused]] FormulaNode & n, [[maybe_unused]] const Grads& g) { \
    using namespace tc::autograd::math;                                                                               \
    [[maybe_unused]] const Tensor NOGRAD;                                                                             \
    const bool cg = g[0].defined() && is_complex(g[0].dtype()); /* Note [Complex gradients of the table formulas] */  \
    [[maybe_unused]] const Tensor grad = conj_if(cg, g[0]);                                                           \
    [[maybe_unused]] const Saved self(n, 0), other(n, 1), result(n, 2);                                               \
    const bool div_other = BinaryOp::E == BinaryOp::Div;                                                              \
    /* d_self first: slots unpack in the order they were saved (Note [Table formulas save on demand]) */              \
    Tensor g_self = n.needs_grad(0) ? Tensor(d_self) : Tensor();                                                      \
    Tensor g_other = !n.needs_grad(1) ? Tensor() : div_other ? div_d_other(grad, self, other) : Tensor(d_other);      \
    return {conj_if(cg, g_self), conj_if(cg, g_other)};                                                               \
  }                                                                                                                   \
  template <> Grads binary_not_implemented<BinaryOp::E>(FormulaNode&, const Grads&) {                                 \
    raise(ErrorKind::Runtime, "derivative for aten::" #name " is not implemented");                                   \
  }
TC_BINARY_OPS(TC_BINARY_BACKWARD)
#undef TC_BINARY_BACKWARD

#define TC_UNARY_BACKWARD(E, name, F, rule, forms, aliases, node, saves, d_self)                                     \
  template <> Grads unary_backward<UnaryOp::E>([[maybe_unused]] FormulaNode & n, [[maybe_unused]] const Grads& g) {  \
    using namespace tc::autograd::math;                                                                              \
    [[maybe_unused]] const Tensor NOGRAD;                                                                            \
    const bool cg = g[0].defined() && is_complex(g[0].dtype()); /* Note [Complex gradients of the table formulas] */ \
    [[maybe_unused]] const Tensor grad = conj_if(cg, g[0]);                                                          \
    [[maybe_unused]] const Saved self(n, 0), result(n, 1);                                                           \
    return {conj_if(cg, n.needs_grad(0) ? Tensor(d_self) : Tensor())};                                               \
  }
TC_UNARY_OPS(TC_UNARY_BACKWARD)
#undef TC_UNARY_BACKWARD

// Note [Table formulas save on demand]
// A row's `saves` column names every value its formulas read, but a formula
// whose input needs no gradient never runs, so its values are not saved: a
// slot is kept only when a formula that will run mentions it. The mentions
// are read from the formula columns' text at compile time (mentioned_slots),
// so the table stays the single source. This is PyTorch's rule for its
// generated nodes (`(a * 2).grad_fn._saved_self` is None there), and it keeps
// tensors alive only as long as they can be used.
constexpr bool identifier_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
constexpr size_t kNowhere = 1u << 20;
// The position of `word`'s first mention as an identifier in `text`, or kNowhere.
constexpr size_t first_mention(const char* text, const char* word) {
  size_t wl = 0;
  while (word[wl]) ++wl;
  for (size_t i = 0; text[i]; ++i) {
    if (i > 0 && identifier_char(text[i - 1])) continue;
    size_t k = 0;
    while (k < wl && text[i + k] == word[k]) ++k;
    if (k == wl && !identifier_char(text[i + wl])) return i;
  }
  return kNowhere;
}
constexpr bool mentions(const char* text, const char* word) { return first_mention(text, word) != kNowhere; }
constexpr size_t text_length(const char* text) {
  size_t n = 0;
  while (text[n]) ++n;
  return n;
}

// The order in which a node's slots (0 self, 1 other or result, 2 result) are
// saved, two bits per step: by first mention in d_self, then in d_other, as
// PyTorch's generated nodes save (and call pack hooks) in the order their
// formulas mention the values (mul saves other, then self).
constexpr unsigned save_order(const char* d_self, const char* d_other, bool unary) {
  const size_t offset = text_length(d_self) + 1;
  auto key = [&](const char* word) {
    size_t a = first_mention(d_self, word), b = first_mention(d_other, word);
    return a != kNowhere ? a : b != kNowhere ? offset + b : 2 * kNowhere;
  };
  size_t keys[3] = {key("self"), unary ? key("result") : key("other"), unary ? 3 * kNowhere : key("result")};
  unsigned slots[3] = {0, 1, 2};
  for (int i = 0; i < 3; ++i)  // insertion sort; ties keep slot order
    for (int j = i; j > 0 && keys[slots[j]] < keys[slots[j - 1]]; --j) {
      unsigned t = slots[j];
      slots[j] = slots[j - 1];
      slots[j - 1] = t;
    }
  return slots[0] | (slots[1] << 2) | (slots[2] << 4);
}
static_assert(save_order("grad * other", "grad * self", false) == (1u | (0u << 2) | (2u << 4)));
constexpr unsigned mentioned_slots(const char* formula) {
  return (mentions(formula, "self") ? SELF : 0u) | (mentions(formula, "other") ? OTHER : 0u) |
         (mentions(formula, "result") ? RESULT : 0u);
}
static_assert(mentioned_slots("grad * other") == OTHER && mentioned_slots("where(self_x, other2, grad)") == 0 &&
              mentioned_slots("grad * result * log(self)") == (SELF | RESULT));

// The slots a node needs: those mentioned by the formula of each input that needs a gradient.
unsigned needed_slots(const FormulaNode* n, unsigned saves, unsigned d_self_slots, unsigned d_other_slots) {
  return saves & ((n->needs_grad(0) ? d_self_slots : 0u) | (n->needs_grad(1) ? d_other_slots : 0u));
}

// The slots' names as PyTorch's nodes expose them: only the slots the row's
// `saves` column declares have one ("" never matches); pow with a
// Python-number exponent keeps it as `exponent`.
enum SlotNaming { kUnary, kBinary, kPowScalar };
const char* const* slot_names(SlotNaming naming, unsigned declared) {
  static const auto tables = [] {
    std::array<std::array<std::array<const char*, 4>, 8>, 3> t{};
    const char* names[3][3] = {
        {"self", "result", nullptr}, {"self", "other", "result"}, {"self", "exponent", "result"}};
    for (int k = 0; k < 3; ++k)
      for (unsigned d = 0; d < 8; ++d) {
        const unsigned bits[3] = {SELF, k == kUnary ? RESULT : OTHER, RESULT};
        for (int i = 0; i < (k == kUnary ? 2 : 3); ++i) t[k][d][i] = (d & bits[i]) ? names[k][i] : "";
      }
    return t;
  }();
  return tables[naming][declared & 7].data();
}

// Evaluated by the compiler: the formula text is scanned at build time only.
#define TC_CONST(expr) (std::integral_constant<unsigned, (expr)>::value)

// Slot i holds input i (bit 1 << i of `saves`), the last slot the result;
// they are filled in `order` (save_order), which is when pack hooks run.
void save_slots(FormulaNode* n, unsigned saves, std::initializer_list<const Tensor*> inputs, const Tensor& out,
                const char* const* names, unsigned order) {
  n->saved_names = names;
  const size_t count = inputs.size() + 1;
  n->saved.resize(count);
  for (size_t step = 0; step < count; ++step) {
    const size_t slot = (order >> (2 * step)) & 3u;
    const bool is_result = slot == count - 1;
    const unsigned bit = is_result ? RESULT : 1u << slot;
    if (saves & bit) n->saved[slot] = SavedTensor(is_result ? out : *(inputs.begin()[slot]), is_result);
  }
}
}  // namespace

void record_binary(BinaryOp op, const Tensor& self, const Tensor& other, const Tensor& result) {
  using namespace tc::op_registry;
  using math::wrapped;
  switch (op) {
#define TC_BINARY_RECORD(E, name, F, rule, forms, aliases, node, saves, d_self, d_other)                               \
  case BinaryOp::E: {                                                                                                  \
    const char* node_name = (node);                                                                                    \
    if (node_name == NOGRAD) return;                                                                                   \
    if (node_name == NOTIMPL) { /* PyTorch's node that raises when backward reaches it */                              \
      if (is_floating(result.dtype()))                                                                                 \
        record("NotImplemented", binary_not_implemented<BinaryOp::E>, {&self, &other}, {&result});                     \
      return;                                                                                                          \
    }                                                                                                                  \
    if (FormulaNode* n = record(node_name, binary_backward<BinaryOp::E>, {&self, &other}, {&result}))                  \
      save_slots(n, needed_slots(n, (saves), TC_CONST(mentioned_slots(#d_self)), TC_CONST(mentioned_slots(#d_other))), \
                 {&self, &other}, result,                                                                              \
                 slot_names(BinaryOp::E == BinaryOp::Pow && wrapped(other) ? kPowScalar : kBinary, (saves)),           \
                 TC_CONST(save_order(#d_self, #d_other, false)));                                                      \
    return;                                                                                                            \
  }
    TC_BINARY_OPS(TC_BINARY_RECORD)
#undef TC_BINARY_RECORD
  }
}

void record_unary(UnaryOp op, const Tensor& self, const Tensor& result) {
  using namespace tc::op_registry;
  switch (op) {
#define TC_UNARY_RECORD(E, name, F, rule, forms, aliases, node, saves, d_self)                         \
  case UnaryOp::E: {                                                                                   \
    const char* node_name = (node);                                                                    \
    if (node_name == NOGRAD) return;                                                                   \
    if (FormulaNode* n = record(node_name, unary_backward<UnaryOp::E>, {&self}, {&result}))            \
      save_slots(n, needed_slots(n, (saves), TC_CONST(mentioned_slots(#d_self)), 0u), {&self}, result, \
                 slot_names(kUnary, (saves)), TC_CONST(save_order(#d_self, "", true)));                \
    return;                                                                                            \
  }
    TC_UNARY_OPS(TC_UNARY_RECORD)
#undef TC_UNARY_RECORD
  }
}

// Zero for every input that needs a gradient (rounding ops, div with a rounding mode).
Grads zero_grad_backward(FormulaNode& n, const Grads& g) {
  Grads out(n.next_edges.size());
  for (size_t i = 0; i < out.size(); ++i)
    if (n.needs_grad(i)) out[i] = zeros_like(g[0]);
  return out;
}
Grads where_backward(FormulaNode& n, const Grads& g) {
  Tensor c = n.saved_at(0);
  Tensor z = zeros_like(g[0]);
  return {n.needs_grad(0) ? ops::where(c, g[0], z) : Tensor(), n.needs_grad(1) ? ops::where(c, z, g[0]) : Tensor()};
}

Grads clamp_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  const auto& a = n.attrs_as<attrs::Clamp>();
  const double lo = a.min, hi = a.max;
  Tensor in_range = B(BinaryOp::LogicalAnd, B(BinaryOp::Ge, x, num(lo)), B(BinaryOp::Le, x, num(hi)));
  return {ops::where(in_range, g[0], zeros_like(g[0]))};
}

Grads clamp_tensor_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), lo = n.saved_at(1), hi = n.saved_at(2);
  Tensor z = zeros_like(g[0]);
  Tensor ok_lo = lo.defined() ? B(BinaryOp::Ge, x, lo) : Tensor();
  Tensor ok_hi = hi.defined() ? B(BinaryOp::Le, x, hi) : Tensor();
  Tensor in_range = ok_lo.defined() && ok_hi.defined() ? B(BinaryOp::LogicalAnd, ok_lo, ok_hi)
                    : ok_lo.defined()                  ? ok_lo
                                                       : ok_hi;
  Tensor gx = ops::where(in_range, g[0], z);
  // PyTorch's rule when min > max: the result is max, so the gradient goes to max.
  Tensor glo, ghi;
  if (lo.defined() && n.needs_grad(1)) {
    Tensor pick = B(BinaryOp::Lt, x, lo);
    if (hi.defined()) pick = B(BinaryOp::LogicalAnd, pick, B(BinaryOp::Lt, lo, hi));
    glo = ops::where(pick, g[0], z);
  }
  if (hi.defined() && n.needs_grad(2)) {
    Tensor pick = B(BinaryOp::Gt, x, hi);
    if (lo.defined()) pick = B(BinaryOp::LogicalOr, pick, B(BinaryOp::Lt, hi, lo));
    ghi = ops::where(pick, g[0], z);
  }
  return {gx, glo, ghi};
}

Grads to_copy_backward(FormulaNode&, const Grads& g) { return {g[0]}; }  // engine casts back
// copy_(dst, src): inputs dst (its history before the write) and src.
Grads copy_backward(FormulaNode& n, const Grads& g) {
  return {n.needs_grad(0) ? zeros_like(g[0]) : Tensor(), n.needs_grad(1) ? g[0] : Tensor()};
}
Grads clone_backward(FormulaNode&, const Grads& g) { return {g[0]}; }

Grads lerp_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1), w = n.saved_at(2);
  return {n.needs_grad(0) ? ops::mul(g[0], ops::sub(num(1.0), w)) : Tensor(),
          n.needs_grad(1) ? ops::mul(g[0], w) : Tensor(), n.needs_grad(2) ? ops::mul(g[0], ops::sub(b, a)) : Tensor()};
}

// Inputs: self, and the 0-dim value tensor when one was given (MaskedFillBackward1).
Grads masked_fill_backward(FormulaNode& n, const Grads& g) {
  Tensor m = n.saved_at(0);
  Tensor gs = n.needs_grad(0) ? ops::where(m, zeros_like(g[0]), g[0]) : Tensor();
  if (n.next_edges.size() < 2) return {gs};
  Tensor gv = n.needs_grad(1) ? ops::sum(ops::where(m, g[0], zeros_like(g[0])), {}, false) : Tensor();
  return {gs, gv};
}

}  // namespace tc::autograd::d

namespace tc::autograd::math {
// Note [Rounded as PyTorch] (autograd/formula_math.h): tanh's table row.
//
// Under create_graph (every torch.func transform) the result must carry the
// composite's history, but its values are still the kernel's: 1 - y*y
// rounded twice loses most of its digits where y is near +-1 (a 4e-4 slope
// came out 6e-5 relative off). So the composite is recorded and the kernel
// then writes its exact values into the composite's fresh output, which no
// node saved (mul saves its inputs), bypassing the version counter.
Tensor tanh_backward(const Tensor& grad, const Tensor& y) {
  // (The fused kernel is the CPU's; device tensors take the composite, Note [Kernels on the tensor's device].)
  const bool kernel_dtypes = grad.dtype() == y.dtype() &&
                             (y.dtype() == DType::Float32 || y.dtype() == DType::Float64) &&
                             grad.sizes() == y.sizes() && y.device().is_cpu() && grad.device().is_cpu();
  const bool recorded = grad_enabled() && (grad.requires_grad() || y.requires_grad());
  if (kernel_dtypes && !recorded) {
    Tensor gc = ops::contiguous(grad), yc = ops::contiguous(y), out = tc::empty(y.sizes(), y.dtype());
    kernels::tanh_backward(y.dtype(), y.numel(), gc->data_bytes(), yc->data_bytes(), out->data_bytes());
    return out;
  }
  Tensor composite = grad * (1 - y * y);
  if (kernel_dtypes && composite.is_contiguous() && composite.dtype() == y.dtype()) {
    NoGradGuard no_grad;
    Tensor gc = ops::contiguous(grad), yc = ops::contiguous(y);
    kernels::tanh_backward(y.dtype(), y.numel(), gc->data_bytes(), yc->data_bytes(), composite->data_bytes());
  }
  // PyTorch's node for the recorded tanh_backward (the composite's last product stands for it)
  if (recorded && composite->autograd && composite->autograd->grad_fn)
    composite->autograd->grad_fn->renamed = "TanhBackwardBackward0";
  return composite;
}
}  // namespace tc::autograd::math
