#pragma once
// Note [Warnings from the core]
// PyTorch warns from C++ (TORCH_WARN) where a call works but is deprecated or
// suspicious, e.g. an out= tensor of the wrong shape being resized. tc::warn
// is that channel: the core does not link Python, so the bindings install a
// handler at import that raises Python's UserWarning (ops run with the GIL
// held; only kernel bodies release it, Note [Releasing the GIL]). With
// warnings turned into errors the handler throws, and the op stops there as
// PyTorch's does. Without a handler (C++ tests, benchmarks) a warning is
// written to stderr.
#include <string>

namespace tc {

using WarningHandler = void (*)(const std::string& message);
void set_warning_handler(WarningHandler handler);
void warn(const std::string& message);

}  // namespace tc
