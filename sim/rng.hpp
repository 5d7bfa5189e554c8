#pragma once
// Per-CPU pseudo-random streams. Each stream is a std::mt19937_64 seeded from
// (run seed, stream id) through std::seed_seq, whose algorithm the C++ standard
// fixes, so streams are identical on every host and independent of each other.
// Distributions are written here rather than taken from <random>, whose
// distribution algorithms are implementation-defined.
#include <cstdint>
#include <random>

namespace allocsim::sim {

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream) { reseed(seed, stream); }
  void reseed(std::uint64_t seed, std::uint64_t stream) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32),
                      0x616c6c6fu /* "allo" */};
    engine_.seed(seq);
  }
  std::uint64_t next() { return engine_(); }
  // Uniform in [0, n) without modulo bias (Lemire's multiply-shift with rejection).
  std::uint64_t below(std::uint64_t n) {
    if (n == 0) return 0;
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(engine_()) * n;
      const auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (-n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }
  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace allocsim::sim
