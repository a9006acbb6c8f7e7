#pragma once
// The CUDA backend's entry points (backend/cuda/ when built with CUDA,
// backend/no_cuda/ otherwise). Op code calls these without #ifdef.
namespace tc::cuda {
bool is_available();
int device_count();
[[noreturn]] void require_cuda(const char* op);
}  // namespace tc::cuda
