#pragma once
// Random-family kernels: the deterministic transforms a sampler applies to
// uniforms it has already drawn from the generator (the draws themselves stay
// serial in ops/random.cpp). Compiled once per instruction set; results are
// bit-identical on every one (explicit fma, no other multiply-adds to fuse).
#include <cmath>
#include <cstdint>

#include "backend/kernels_random.h"
#include "core/cephes_float.h"

namespace tc::cpu::TC_CAP {

// Box-Muller on consecutive blocks of 16 float32 uniforms: pairs (j, j + 8)
// become mean + std * (r cos t, r sin t), with PyTorch's AVX2 log/sincos
// (Note [float32 normals: PyTorch's AVX2 log and sincos]).
void box_muller_f32(float* data, int64_t blocks, float mean, float std) {
  constexpr float kTwoPi = static_cast<float>(2.0 * M_PI);
  for (int64_t b = 0; b < blocks; ++b) {
    float* d = data + 16 * b;
    for (int j = 0; j < 8; ++j) {
      const float radius = std::sqrt(-2.0f * cephes::log_f32(1.0f - d[j]));
      float sin_theta, cos_theta;
      cephes::sincos_f32(kTwoPi * d[j + 8], &sin_theta, &cos_theta);
      d[j] = std::fma(radius * cos_theta, std, mean);
      d[j + 8] = std::fma(radius * sin_theta, std, mean);
    }
  }
}

}  // namespace tc::cpu::TC_CAP
