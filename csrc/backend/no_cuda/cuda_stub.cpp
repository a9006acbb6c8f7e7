// Built without CUDA: every CUDA entry point raises one clear error.
#include "backend/cuda_api.h"
#include "core/error.h"

namespace tc::cuda {

bool is_available() { return false; }
int device_count() { return 0; }
[[noreturn]] void require_cuda(const char* op) {
  raise(ErrorKind::Runtime, "[", op,
        "] tensorcore was built without CUDA; rebuild with TENSORCORE_CUDA=ON on a "
        "machine with nvcc, or keep tensors on the CPU");
}

}  // namespace tc::cuda
