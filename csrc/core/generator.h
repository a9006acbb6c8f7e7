#pragma once
// Note [PyTorch-compatible random streams]
// The CPU generator reproduces PyTorch's: a 32-bit Mersenne Twister seeded
// with the low 32 bits of the seed (default seed 67280421310721), 24 random
// bits per float32 uniform and 53 (from two draws) per float64, Box-Muller
// normals with the same caching and 16-element batching, `% range` integers
// (64-bit draws from range 2^28) and the same Fisher-Yates order in randperm.
// So `manual_seed(s)` followed by any random op (rand/randn/randint/randperm,
// the in-place samplers, multinomial, bernoulli, poisson, normal; hence nn
// layer init and dropout) yields PyTorch's values and leaves the generator
// where PyTorch leaves it. The per-sample formulas are in core/distributions.h,
// the fill order of strided outputs in backend/cpu/random_order.h, PyTorch's AVX2
// float32 log/sincos for normal fills in core/cephes_float.h.
#include <cstdint>
#include <optional>
#include <random>

namespace tc {

struct Generator {
  static constexpr uint64_t kDefaultSeed = 67280421310721ULL;
  explicit Generator(uint64_t seed = kDefaultSeed) { manual_seed(seed); }

  void manual_seed(uint64_t s) {
    seed = s;
    engine.seed(static_cast<uint32_t>(s & 0xffffffffu));
    next_double_normal.reset();
  }
  uint32_t random() { return static_cast<uint32_t>(engine()); }
  uint64_t random64() {
    uint64_t hi = random();
    uint64_t lo = random();
    return (hi << 32) | lo;
  }
  // Uniform [0, 1) with PyTorch's bit budget per dtype.
  double uniform_f32() { return static_cast<double>(random() & 0xffffffu) * (1.0 / 16777216.0); }
  double uniform_f64() { return static_cast<double>(random64() & ((1ULL << 53) - 1)) * (1.0 / 9007199254740992.0); }

  std::mt19937 engine;
  uint64_t seed = kDefaultSeed;
  std::optional<double> next_double_normal;
};

Generator& default_generator();

}  // namespace tc
