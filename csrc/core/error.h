#pragma once
// User-facing errors carry the Python exception type PyTorch would raise.
// Internal invariants use TC_INTERNAL_ASSERT instead.
#include <sstream>
#include <stdexcept>
#include <string>

namespace tc {

// Assertion: PyTorch raises AssertionError for a few user errors ("Torch not
// compiled with CUDA enabled"), so it is a user-facing kind here too.
enum class ErrorKind { Runtime, Type, Index, Value, NotImplemented, Assertion };

struct Error : std::runtime_error {
  ErrorKind kind;
  Error(ErrorKind k, const std::string& msg) : std::runtime_error(msg), kind(k) {}
};

namespace detail {
inline void append(std::ostringstream&) {}
template <typename T, typename... Rest> void append(std::ostringstream& os, const T& v, const Rest&... rest) {
  os << v;
  append(os, rest...);
}
}  // namespace detail

template <typename... Args> [[noreturn]] void raise(ErrorKind kind, const Args&... args) {
  std::ostringstream os;
  detail::append(os, args...);
  throw Error(kind, os.str());
}

}  // namespace tc

#define TC_CHECK(cond, ...)                                          \
  do {                                                               \
    if (!(cond)) ::tc::raise(::tc::ErrorKind::Runtime, __VA_ARGS__); \
  } while (0)
#define TC_CHECK_TYPE(cond, ...)                                  \
  do {                                                            \
    if (!(cond)) ::tc::raise(::tc::ErrorKind::Type, __VA_ARGS__); \
  } while (0)
#define TC_CHECK_INDEX(cond, ...)                                  \
  do {                                                             \
    if (!(cond)) ::tc::raise(::tc::ErrorKind::Index, __VA_ARGS__); \
  } while (0)
#define TC_CHECK_VALUE(cond, ...)                                  \
  do {                                                             \
    if (!(cond)) ::tc::raise(::tc::ErrorKind::Value, __VA_ARGS__); \
  } while (0)
#define TC_INTERNAL_ASSERT(cond)                                                                                   \
  do {                                                                                                             \
    if (!(cond))                                                                                                   \
      ::tc::raise(::tc::ErrorKind::Runtime, "tensorcore internal error: ", #cond, " at ", __FILE__, ":", __LINE__, \
                  "; please report this");                                                                         \
  } while (0)
