#pragma once
// Random-family kernels: deterministic transforms of uniforms a sampler has
// already drawn from its generator (the draws stay serial in ops/random.cpp).
// Results are bit-identical on every instruction set. The CPU versions pick
// the compiled instruction set at runtime (cpu/dispatch.cpp).
#include <cstdint>

namespace tc::kernels {

// Box-Muller in place on `blocks` consecutive blocks of 16 float32 uniforms
// (pairs j, j + 8 -> mean + std * (r cos t, r sin t)), bit-identical to
// PyTorch's AVX2 normal fill (Note [float32 normals: PyTorch's AVX2 log and
// sincos] in core/cephes_float.h).
void box_muller_f32(float* data, int64_t blocks, float mean, float std);

}  // namespace tc::kernels
