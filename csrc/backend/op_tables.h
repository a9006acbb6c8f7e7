#pragma once
// Note [Op tables]
// One row per elementwise op. Columns: enum name, functor, and the dtype rule
//   SAME    result dtype = promoted input dtype
//   FLOAT   integer/bool inputs are computed in the default float dtype
//   PRED    inputs promoted, result bool
//   NOBOOL/INTONLY restrict the accepted input dtypes.
// Adding an elementwise op: a functor in functors.h, a row here, and (if
// differentiable) a formula in autograd/derivatives.cpp.

#define TC_BINARY_OPS(_)            \
  _(Add, add, Add, SAME)            \
  _(Sub, sub, Sub, SAME)            \
  _(Mul, mul, Mul, SAME)            \
  _(Div, div, Div, FLOAT)           \
  _(FloorDiv, floor_divide, FloorDiv, SAME) \
  _(Rem, remainder, Rem, SAME)      \
  _(Fmod, fmod, Fmod, SAME)         \
  _(TruncDiv, _div_trunc, TruncDiv, SAME) \
  _(Pow, pow, Pow, SAME)            \
  _(Maximum, maximum, Maximum, SAME) \
  _(Minimum, minimum, Minimum, SAME) \
  _(Fmax, fmax, Fmax, SAME)         \
  _(Fmin, fmin, Fmin, SAME)         \
  _(Atan2, atan2, Atan2, FLOAT)     \
  _(BitAnd, bitwise_and, BitAnd, INTONLY) \
  _(BitOr, bitwise_or, BitOr, INTONLY)    \
  _(BitXor, bitwise_xor, BitXor, INTONLY) \
  _(Eq, eq, Eq, PRED)               \
  _(Ne, ne, Ne, PRED)               \
  _(Lt, lt, Lt, PRED)               \
  _(Le, le, Le, PRED)               \
  _(Gt, gt, Gt, PRED)               \
  _(Ge, ge, Ge, PRED)               \
  _(LogicalAnd, logical_and, LogicalAnd, PRED) \
  _(LogicalOr, logical_or, LogicalOr, PRED)    \
  _(LogicalXor, logical_xor, LogicalXor, PRED)

#define TC_UNARY_OPS(_)             \
  _(Neg, neg, Neg, NOBOOL)          \
  _(Abs, abs, Abs, SAME)            \
  _(Sign, sign, Sign, SAME)         \
  _(Exp, exp, Exp, FLOAT)           \
  _(Exp2, exp2, Exp2, FLOAT)        \
  _(Expm1, expm1, Expm1, FLOAT)     \
  _(Log, log, Log, FLOAT)           \
  _(Log2, log2, Log2, FLOAT)        \
  _(Log10, log10, Log10, FLOAT)     \
  _(Log1p, log1p, Log1p, FLOAT)     \
  _(Sqrt, sqrt, Sqrt, FLOAT)        \
  _(Rsqrt, rsqrt, Rsqrt, FLOAT)     \
  _(Sin, sin, Sin, FLOAT)           \
  _(Cos, cos, Cos, FLOAT)           \
  _(Tan, tan, Tan, FLOAT)           \
  _(Asin, asin, Asin, FLOAT)        \
  _(Acos, acos, Acos, FLOAT)        \
  _(Atan, atan, Atan, FLOAT)        \
  _(Sinh, sinh, Sinh, FLOAT)        \
  _(Cosh, cosh, Cosh, FLOAT)        \
  _(Tanh, tanh, Tanh, FLOAT)        \
  _(Sigmoid, sigmoid, Sigmoid, FLOAT) \
  _(Erf, erf, Erf, FLOAT)           \
  _(Relu, relu, Relu, NOBOOL)       \
  _(Floor, floor, Floor, SAME)      \
  _(Ceil, ceil, Ceil, SAME)         \
  _(Trunc, trunc, Trunc, SAME)      \
  _(Round, round, Round, SAME)      \
  _(Reciprocal, reciprocal, Reciprocal, FLOAT) \
  _(Square, square, Square, SAME)   \
  _(BitNot, bitwise_not, BitNot, INTONLY) \
  _(LogicalNot, logical_not, LogicalNot, PRED) \
  _(IsNan, isnan, IsNan, PRED)      \
  _(IsInf, isinf, IsInf, PRED)      \
  _(IsFinite, isfinite, IsFinite, PRED)

namespace tc {
enum class BinaryOp {
#define TC_ENUM_ROW(E, name, F, rule) E,
  TC_BINARY_OPS(TC_ENUM_ROW)
};
enum class UnaryOp { TC_UNARY_OPS(TC_ENUM_ROW) };
#undef TC_ENUM_ROW
}  // namespace tc
