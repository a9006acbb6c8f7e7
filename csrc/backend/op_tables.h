#pragma once
// Note [Op tables]
// The elementwise registry: ONE row per op says everything about it. The
// backend reads the first four columns (enum, name, functor, dtype rule) to
// instantiate kernels; ops/elementwise.cpp reads the dtype rule and the
// gradient columns; autograd/derivatives_elementwise.cpp turns the formula
// columns into backward functions; bindings/elementwise.cpp builds the Python
// function, method, in-place method and out= form from the forms column and
// exports the table as _C._elementwise_ops(), from which tensorcore installs
// tensorcore.X / Tensor.X / Tensor.X_ (no hand-kept name lists anywhere).
// How to add an op: docs/adding-an-op.md.
//
// Columns (binary rows; unary rows have no d_other):
//   enum     BinaryOp/UnaryOp enumerator
//   name     the PyTorch name (also the error prefix and the _C name)
//   functor  the scalar functor in backend/functors.h (shared by all backends)
//   rule     result dtype from the promoted input dtype:
//              SAME      the promoted dtype
//              NUMERIC   SAME, but bool inputs raise NotImplementedError
//              NOBOOL    SAME, but bool inputs raise RuntimeError (neg, relu)
//              FLOAT     integer/bool inputs are computed in the default float dtype
//              FLOATONLY floating inputs only (int/bool raise NotImplementedError, as hypot)
//              PRED      inputs promoted, result bool
//              INTONLY   integer/bool inputs only (NotImplementedError for floats)
//              INTNB     integer inputs only (bool and floats: NotImplementedError "<kernel>_cpu" not
//                        implemented for '<dtype>', the kernel name lshift/rshift for the shifts)
//   forms    Python forms, '|' of: FN (tensorcore.name), METHOD (Tensor.name),
//            INPLACE (Tensor.name_), OUT (out= on the function), NUM_OTHER
//            (`other` may be a Python number), NUM_SELF (`input` of the function
//            may be a Python number), CUSTOM (the forms take extra arguments
//            -- alpha=, rounding_mode=, decimals= -- and are written in
//            tensorcore/_tensor.py; the registry still says which forms exist)
//   aliases  other PyTorch spellings with the same forms, space separated
//   node     grad_fn name (PyTorch's), an expression of `self`/`other` where it
//            depends on the overload, NOGRAD (not differentiable) or NOTIMPL
//            (PyTorch records a NotImplemented node that raises in backward)
//   saves    what backward needs: SELF | OTHER | RESULT (or NOTHING); may be an
//            expression of `self`/`other`, as the node name
//   d_self, d_other
//            the gradient for each input, written with the operators and
//            named ops of autograd/formula_math.h: `grad` (incoming gradient),
//            `self`, `other`, `result` (the saved values). NOGRAD when none.
//
// wrapped(x): x is a Python number (a "wrapped number" tensor).

// clang-format off
#define TC_BINARY_OPS(_) \
  /*  enum      name          functor     rule       forms                                               aliases                  node                 saves                 d_self                                    d_other */ \
  _(Add,        add,          Add,        SAME,      FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF | CUSTOM, "", "AddBackward0", NOTHING, grad, grad) \
  /* number - tensor (Tensor.__rsub__) names its node RsubBackward1 (bindings/tensor.cpp) */ \
  _(Sub,        sub,          Sub,        SAME,      FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF | CUSTOM, "subtract", \
    "SubBackward0", NOTHING, grad, -grad) \
  _(Mul,        mul,          Mul,        SAME,      FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "multiply", "MulBackward0", SELF | OTHER, \
    grad * other, grad * self) \
  _(Div,        div,          Div,        FLOAT,     FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF | CUSTOM, "divide true_divide", "DivBackward0", SELF | OTHER, \
    grad / other, -grad * self / (other * other)) \
  _(FloorDiv,   floor_divide, FloorDiv,   NUMERIC,   FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", NOTIMPL, NOTHING, NOGRAD, NOGRAD) \
  _(Rem,        remainder,    Rem,        NUMERIC,   FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", \
    wrapped(self) ? NOTIMPL : wrapped(other) ? "RemainderBackward0" : "RemainderBackward1", SELF | OTHER, \
    grad, -grad * floor_divide(self, other)) \
  _(Fmod,       fmod,         Fmod,       NUMERIC,   FN | METHOD | INPLACE | OUT | NUM_OTHER, "", \
    wrapped(other) ? "FmodBackward0" : "FmodBackward1", SELF | OTHER, \
    grad, -grad * trunc_divide(self, other)) \
  /* div(rounding_mode='trunc'): reached through div; zero gradients, as PyTorch */ \
  _(TruncDiv,   _div_trunc,   TruncDiv,   NUMERIC,   0, "", "DivBackward2", NOTHING, zeros_like(grad), zeros_like(grad)) \
  /* div(rounding_mode='floor'): floor_divide's values, div's zero gradients (floor_divide has none) */ \
  _(DivFloor,   _div_floor,   FloorDiv,   NUMERIC,   0, "", "DivBackward2", NOTHING, zeros_like(grad), zeros_like(grad)) \
  _(Pow,        pow,          Pow,        NUMERIC,   FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", \
    wrapped(other) ? "PowBackward0" : wrapped(self) ? "PowBackward2" : "PowBackward1", \
    wrapped(other) ? SELF | OTHER : SELF | OTHER | RESULT, \
    where(other == 0, 0, grad * (other * pow(self, other - 1))), \
    where((self == 0) & (other >= 0), 0, grad * result * log(self))) \
  /* Ties split the gradient evenly (PyTorch's rule for maximum/minimum). */ \
  _(Maximum,    maximum,      Maximum,    SAME,      FN | METHOD | OUT, "", "MaximumBackward0", SELF | OTHER, \
    where(self == other, grad / 2, where(self > other, grad, 0)), \
    where(self == other, grad / 2, where(self < other, grad, 0))) \
  _(Minimum,    minimum,      Minimum,    SAME,      FN | METHOD | OUT, "", "MinimumBackward0", SELF | OTHER, \
    where(self == other, grad / 2, where(self < other, grad, 0)), \
    where(self == other, grad / 2, where(self > other, grad, 0))) \
  /* fmax/fmin: the whole gradient goes to the operand picked (self on ties); */ \
  /* a NaN operand is never picked unless both are NaN (then self is). */ \
  _(Fmax,       fmax,         Fmax,       SAME,      FN | METHOD | OUT, "", "FmaxBackward0", SELF | OTHER, \
    where((self >= other) | isnan(other), grad, 0), where((self >= other) | isnan(other), 0, grad)) \
  _(Fmin,       fmin,         Fmin,       SAME,      FN | METHOD | OUT, "", "FminBackward0", SELF | OTHER, \
    where((self <= other) | isnan(other), grad, 0), where((self <= other) | isnan(other), 0, grad)) \
  _(Atan2,      atan2,        Atan2,      FLOAT,     FN | METHOD | INPLACE | OUT, "arctan2", "Atan2Backward0", SELF | OTHER, \
    grad * other / (self * self + other * other), -grad * self / (self * self + other * other)) \
  _(Hypot,      hypot,        Hypot,      FLOATONLY, FN | METHOD | INPLACE | OUT, "", "HypotBackward0", SELF | OTHER | RESULT, \
    grad * self / result, grad * other / result) \
  _(LogAddExp,  logaddexp,    LogAddExp,  FLOATONLY, FN | METHOD | OUT, "", "LogaddexpBackward0", SELF | OTHER, \
    grad / (1 + exp(other - self)), grad / (1 + exp(self - other))) \
  _(LogAddExp2, logaddexp2,   LogAddExp2, FLOATONLY, FN | METHOD | OUT, "", "Logaddexp2Backward0", SELF | OTHER, \
    grad / (1 + exp2(other - self)), grad / (1 + exp2(self - other))) \
  /* d/dx is xlogy(x != 0, y): 0 where x == 0, as PyTorch. The mask is made grad's dtype first: */ \
  /* bool with a wrapped number y would compute in the default (float32) dtype. */ \
  _(Xlogy,      xlogy,        Xlogy,      FLOAT,     FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", \
    wrapped(self) ? "XlogyBackward1" : wrapped(other) ? "XlogyBackward2" : "XlogyBackward0", SELF | OTHER, \
    grad * xlogy(zeros_like(grad) + (self != 0), other), grad * self / other) \
  _(BitAnd,     bitwise_and,  BitAnd,     INTONLY,   FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(BitOr,      bitwise_or,   BitOr,      INTONLY,   FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(BitXor,     bitwise_xor,  BitXor,     INTONLY,   FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(Eq,         eq,           Eq,         PRED,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(Ne,         ne,           Ne,         PRED,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "not_equal", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(Lt,         lt,           Lt,         PRED,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "less", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(Le,         le,           Le,         PRED,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "less_equal", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(Gt,         gt,           Gt,         PRED,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "greater", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(Ge,         ge,           Ge,         PRED,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "greater_equal", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(LogicalAnd, logical_and,  LogicalAnd, PRED,      FN | METHOD | INPLACE | OUT, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(LogicalOr,  logical_or,   LogicalOr,  PRED,      FN | METHOD | INPLACE | OUT, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(LogicalXor, logical_xor,  LogicalXor, PRED,      FN | METHOD | INPLACE | OUT, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  /* ---- issue 10 rows ---- */ \
  /* polygamma(n, x) is _polygamma(x, n) (tensorcore/_math_extra.py checks n >= 0); digamma's gradient uses it. */ \
  /* Internal rows: forms OUT and NUM_OTHER only shape the _C function; nothing is installed. */ \
  _(Polygamma,  _polygamma,   Polygamma,  FLOAT,     OUT | NUM_OTHER, "", "PolygammaBackward0", SELF | OTHER, \
    grad * _polygamma(self, other + 1), NOGRAD) \
  /* logit(x, eps) is _logit(x, eps) with eps < 0 for None (no clamping). PyTorch's gradient: */ \
  /* 0 outside [eps, 1 - eps]; without eps NaN outside [0, 1]. */ \
  _(Logit,      _logit,       Logit,      FLOAT,     OUT | NUM_OTHER, "", "LogitBackward0", SELF | OTHER, \
    where(other >= 0, where((self < other) | (self > 1 - other), 0, grad / (self * (1 - self))), \
          where((self < 0) | (self > 1), NAN, grad / (self * (1 - self)))), NOGRAD) \
  /* mixed dtypes are a RuntimeError (ops/elementwise.cpp); `values` names the second operand */ \
  _(Heaviside,  heaviside,    Heaviside,  SAME,      FN | METHOD | INPLACE | OUT, "", NOTIMPL, NOTHING, NOGRAD, NOGRAD) \
  _(Copysign,   copysign,     Copysign,   FLOAT,     FN | METHOD | INPLACE | OUT | NUM_OTHER, "", \
    wrapped(other) ? "CopysignBackward1" : "CopysignBackward0", SELF | RESULT, \
    where(self == 0, 0, grad * (result / self)), zeros_like(grad)) \
  _(Ldexp,      ldexp,        Ldexp,      FLOAT,     FN | METHOD | INPLACE | OUT, "", "LdexpBackward0", SELF | OTHER, \
    grad * exp2(other), grad * self * exp2(other) * M_LN2) \
  /* INTNB: integers only; bool and floats raise PyTorch's "gcd_cpu" / "lshift_cpu" NotImplementedError */ \
  _(Gcd,        gcd,          Gcd,        INTNB,     FN | METHOD | INPLACE | OUT, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(Lcm,        lcm,          Lcm,        INTNB,     FN | METHOD | INPLACE | OUT, "", NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(ShiftLeft,  bitwise_left_shift, ShiftLeft, INTNB, FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", \
    NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(ShiftRight, bitwise_right_shift, ShiftRight, INTNB, FN | METHOD | INPLACE | OUT | NUM_OTHER | NUM_SELF, "", \
    NOGRAD, NOTHING, NOGRAD, NOGRAD) \
  _(ClampMin,   clamp_min,    ClampMin,   SAME,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "", \
    wrapped(other) ? "ClampMinBackward0" : "ClampMinBackward1", SELF | OTHER, \
    where(self >= other, grad, 0), where(self < other, grad, 0)) \
  _(ClampMax,   clamp_max,    ClampMax,   SAME,      FN | METHOD | INPLACE | OUT | NUM_OTHER, "", \
    wrapped(other) ? "ClampMaxBackward0" : "ClampMaxBackward1", SELF | OTHER, \
    where(self <= other, grad, 0), where(self > other, grad, 0))

#define TC_UNARY_OPS(_) \
  /*  enum      name          functor     rule       forms                                 aliases     node                    saves    d_self */ \
  _(Neg,        neg,          Neg,        NOBOOL,    FN | METHOD | INPLACE | OUT, "negative", "NegBackward0", NOTHING, -grad) \
  _(Abs,        abs,          Abs,        NUMERIC,   FN | METHOD | INPLACE | OUT, "absolute", "AbsBackward0", SELF, grad * sign(self)) \
  _(Sign,       sign,         Sign,       SAME,      FN | METHOD | INPLACE | OUT, "",         "SignBackward0", NOTHING, zeros_like(grad)) \
  _(Exp,        exp,          Exp,        FLOAT,     FN | METHOD | INPLACE | OUT, "",         "ExpBackward0", RESULT, grad * result) \
  _(Exp2,       exp2,         Exp2,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "Exp2Backward0", RESULT, grad * result * M_LN2) \
  _(Expm1,      expm1,        Expm1,      FLOAT,     FN | METHOD | INPLACE | OUT, "",         "Expm1Backward0", RESULT, grad * (result + 1)) \
  _(Log,        log,          Log,        FLOAT,     FN | METHOD | INPLACE | OUT, "",         "LogBackward0", SELF, grad / self) \
  _(Log2,       log2,         Log2,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "Log2Backward0", SELF, grad / (self * M_LN2)) \
  _(Log10,      log10,        Log10,      FLOAT,     FN | METHOD | INPLACE | OUT, "",         "Log10Backward0", SELF, grad / (self * M_LN10)) \
  _(Log1p,      log1p,        Log1p,      FLOAT,     FN | METHOD | INPLACE | OUT, "",         "Log1PBackward0", SELF, grad / (self + 1)) \
  _(Sqrt,       sqrt,         Sqrt,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "SqrtBackward0", RESULT, grad / (result * 2)) \
  _(Rsqrt,      rsqrt,        Rsqrt,      FLOAT,     FN | METHOD | INPLACE | OUT, "",         "RsqrtBackward0", RESULT, \
    grad * (result * (result * result)) * -0.5) \
  _(Sin,        sin,          Sin,        FLOAT,     FN | METHOD | INPLACE | OUT, "",         "SinBackward0", SELF, grad * cos(self)) \
  _(Cos,        cos,          Cos,        FLOAT,     FN | METHOD | INPLACE | OUT, "",         "CosBackward0", SELF, grad * -sin(self)) \
  _(Tan,        tan,          Tan,        FLOAT,     FN | METHOD | INPLACE | OUT, "",         "TanBackward0", RESULT, grad * (result * result + 1)) \
  _(Asin,       asin,         Asin,       FLOAT,     FN | METHOD | INPLACE | OUT, "arcsin",   "AsinBackward0", SELF, grad * rsqrt(1 - self * self)) \
  _(Acos,       acos,         Acos,       FLOAT,     FN | METHOD | INPLACE | OUT, "arccos",   "AcosBackward0", SELF, -(grad * rsqrt(1 - self * self))) \
  _(Atan,       atan,         Atan,       FLOAT,     FN | METHOD | INPLACE | OUT, "arctan",   "AtanBackward0", SELF, grad / (self * self + 1)) \
  _(Sinh,       sinh,         Sinh,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "SinhBackward0", SELF, grad * cosh(self)) \
  _(Cosh,       cosh,         Cosh,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "CoshBackward0", SELF, grad * sinh(self)) \
  _(Tanh,       tanh,         Tanh,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "TanhBackward0", RESULT, tanh_backward(grad, result)) \
  _(Sigmoid,    sigmoid,      Sigmoid,    FLOAT,     FN | METHOD | INPLACE | OUT, "",         "SigmoidBackward0", RESULT, grad * (1 - result) * result) \
  _(Erf,        erf,          Erf,        FLOAT,     FN | METHOD | INPLACE | OUT, "",         "ErfBackward0", SELF, \
    grad * exp(-(self * self)) * M_2_SQRTPI) \
  _(Relu,       relu,         Relu,       NOBOOL,    FN | METHOD | INPLACE,       "",         "ReluBackward0", RESULT, where(result <= 0, 0, grad)) \
  _(Floor,      floor,        Floor,      NUMERIC,   FN | METHOD | INPLACE | OUT, "",         "FloorBackward0", NOTHING, zeros_like(grad)) \
  _(Ceil,       ceil,         Ceil,       NUMERIC,   FN | METHOD | INPLACE | OUT, "",         "CeilBackward0", NOTHING, zeros_like(grad)) \
  _(Trunc,      trunc,        Trunc,      NUMERIC,   FN | METHOD | INPLACE | OUT, "fix",      "TruncBackward0", NOTHING, zeros_like(grad)) \
  _(Round,      round,        Round,      NUMERIC,   FN | METHOD | INPLACE | OUT | CUSTOM, "", "RoundBackward0", NOTHING, zeros_like(grad)) \
  _(Reciprocal, reciprocal,   Reciprocal, FLOAT,     FN | METHOD | INPLACE | OUT, "",         "ReciprocalBackward0", RESULT, -(grad * (result * result))) \
  /* square is pow(x, 2) in PyTorch: bool squares to int64, and the node is PowBackward0 */ \
  _(Square,     square,       Square,     SAME,      FN | METHOD | INPLACE | OUT, "",         "PowBackward0", SELF, grad * self * 2) \
  _(BitNot,     bitwise_not,  BitNot,     INTONLY,   FN | METHOD | INPLACE | OUT, "",         NOGRAD, NOTHING, NOGRAD) \
  _(LogicalNot, logical_not,  LogicalNot, PRED,      FN | METHOD | INPLACE | OUT, "",         NOGRAD, NOTHING, NOGRAD) \
  _(IsNan,      isnan,        IsNan,      PRED,      FN | METHOD,                 "",         NOGRAD, NOTHING, NOGRAD) \
  _(IsInf,      isinf,        IsInf,      PRED,      FN | METHOD,                 "",         NOGRAD, NOTHING, NOGRAD) \
  _(IsFinite,   isfinite,     IsFinite,   PRED,      FN | METHOD,                 "",         NOGRAD, NOTHING, NOGRAD) \
  /* ---- issue 10 rows ---- */ \
  _(Acosh,      acosh,        Acosh,      FLOAT,     FN | METHOD | INPLACE | OUT, "arccosh",  "AcoshBackward0", SELF, \
    grad * rsqrt(self * self - 1)) \
  _(Asinh,      asinh,        Asinh,      FLOAT,     FN | METHOD | INPLACE | OUT, "arcsinh",  "AsinhBackward0", SELF, \
    grad * rsqrt(self * self + 1)) \
  _(Atanh,      atanh,        Atanh,      FLOAT,     FN | METHOD | INPLACE | OUT, "arctanh",  "AtanhBackward0", SELF, \
    grad / (1 - self * self)) \
  _(Erfc,       erfc,         Erfc,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "ErfcBackward0", SELF, \
    -(grad * exp(-(self * self)) * M_2_SQRTPI)) \
  /* d/dy erfinv(y) = sqrt(pi)/2 e^(erfinv(y)^2) */ \
  _(Erfinv,     erfinv,       Erfinv,     FLOAT,     FN | METHOD | INPLACE | OUT, "",         "ErfinvBackward0", RESULT, \
    grad * exp(result * result) / M_2_SQRTPI) \
  _(Lgamma,     lgamma,       Lgamma,     FLOAT,     FN | METHOD | INPLACE | OUT, "",         "LgammaBackward0", SELF, \
    grad * digamma(self)) \
  _(Digamma,    digamma,      Digamma,    FLOAT,     FN | METHOD | INPLACE | OUT, "",         "DigammaBackward0", SELF, \
    grad * _polygamma(self, 1)) \
  _(I0,         i0,           I0,         FLOAT,     FN | METHOD | INPLACE | OUT, "",         "I0Backward0", SELF, \
    grad * _i1(self)) \
  /* internal: i0's gradient (torch.special.i1's values and node) */ \
  _(I1,         _i1,          I1,         FLOAT,     0,                           "",         "SpecialI1Backward0", SELF | RESULT, \
    grad * where(self == 0, 0.5, i0(self) - result / self)) \
  _(Sinc,       sinc,         Sinc,       FLOAT,     FN | METHOD | INPLACE | OUT, "",         "SincBackward0", SELF, \
    where(self * self * M_PI == 0, 0, \
          grad * (self * M_PI * cos(self * M_PI) - sin(self * M_PI)) / (self * self * M_PI))) \
  _(Rad2Deg,    rad2deg,      Rad2Deg,    FLOAT,     FN | METHOD | INPLACE | OUT, "",         "Rad2DegBackward0", NOTHING, \
    grad * (180.0 / M_PI)) \
  _(Deg2Rad,    deg2rad,      Deg2Rad,    FLOAT,     FN | METHOD | INPLACE | OUT, "",         "Deg2RadBackward0", NOTHING, \
    grad * (M_PI / 180.0)) \
  /* sgn of a real tensor is its sign (its own node name) */ \
  _(Sgn,        sgn,          Sign,       SAME,      FN | METHOD | INPLACE | OUT, "",         "SgnBackward0", NOTHING, zeros_like(grad)) \
  _(SignBit,    signbit,      SignBit,    PRED,      FN | METHOD | OUT,           "",         NOGRAD, NOTHING, NOGRAD) \
  _(IsPosInf,   isposinf,     IsPosInf,   PRED,      FN | METHOD | OUT,           "",         NOGRAD, NOTHING, NOGRAD) \
  _(IsNegInf,   isneginf,     IsNegInf,   PRED,      FN | METHOD | OUT,           "",         NOGRAD, NOTHING, NOGRAD) \
  _(IsReal,     isreal,       IsReal,     PRED,      FN | METHOD,                 "",         NOGRAD, NOTHING, NOGRAD)
// clang-format on

// What the kernels need from the dtype rule: is the result bool (PRED), and
// is the kernel instantiated for integer types only (INTONLY).
#define TC_RULE_PRED_SAME false
#define TC_RULE_PRED_NUMERIC false
#define TC_RULE_PRED_FLOAT false
#define TC_RULE_PRED_FLOATONLY false
#define TC_RULE_PRED_NOBOOL false
#define TC_RULE_PRED_INTONLY false
#define TC_RULE_PRED_PRED true
#define TC_RULE_INT_SAME false
#define TC_RULE_INT_NUMERIC false
#define TC_RULE_INT_FLOAT false
#define TC_RULE_INT_FLOATONLY false
#define TC_RULE_INT_NOBOOL false
#define TC_RULE_INT_PRED false
#define TC_RULE_INT_INTONLY true
// INTNB: integer inputs only, bool too raises (gcd, lcm, the shifts).
#define TC_RULE_PRED_INTNB false
#define TC_RULE_INT_INTNB true

namespace tc {
enum class BinaryOp {
#define TC_ENUM_ROW(E, ...) E,
  TC_BINARY_OPS(TC_ENUM_ROW)
};
enum class UnaryOp { TC_UNARY_OPS(TC_ENUM_ROW) };
#undef TC_ENUM_ROW

// The vocabulary of the forms and saves columns (see the Note above).
namespace op_registry {
enum Forms : unsigned {
  FN = 1,
  METHOD = 2,
  INPLACE = 4,
  OUT = 8,
  NUM_OTHER = 16,
  NUM_SELF = 32,
  CUSTOM = 64,
};
enum Saves : unsigned { NOTHING = 0, SELF = 1, OTHER = 2, RESULT = 4 };
// Node-column sentinels: not differentiable / differentiable but not implemented.
inline constexpr const char* NOGRAD = nullptr;
inline constexpr const char NOTIMPL[] = "<not implemented>";
}  // namespace op_registry
}  // namespace tc
