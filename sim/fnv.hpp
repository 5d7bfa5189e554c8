#pragma once
// FNV-1a (64-bit) for the fingerprints of runs: the determinism tests compare
// them, so they must be the same on every host and in every build.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace allocsim::sim {

struct Fnv1a {
  static constexpr std::uint64_t kOffsetBasis = 0xcbf29ce484222325ull;
  static constexpr std::uint64_t kPrime = 0x100000001b3ull;

  std::uint64_t h = kOffsetBasis;

  void byte(std::uint8_t b) {
    h ^= b;
    h *= kPrime;
  }
  void bytes(std::string_view s) {
    for (char c : s) byte(static_cast<std::uint8_t>(c));
  }
  // The value's 8 bytes, least significant first whatever the host's byte order.
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  // One step over the whole word instead of its bytes (not FNV-1a proper):
  // the generator has always folded freed addresses so, and its recorded
  // fingerprints depend on it.
  void word(std::uint64_t v) {
    h ^= v;
    h *= kPrime;
  }
};

}  // namespace allocsim::sim
