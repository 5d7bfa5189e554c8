#pragma once
// The kernel's integer helpers, each written once as its kernel header defines
// it, and the architecture's word size. Every formula of the model that Linux
// writes with one of these uses the function here.
#include <bit>
#include <cstdint>
#include <type_traits>

#include "model/flavour.hpp"
#include "sim/address.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

// include/asm-generic/bitops/fls.h: the position of the most significant set
// bit, counting from 1; fls(0) = 0, fls(1) = 1, fls(0x80000000) = 32.
constexpr unsigned fls(std::uint32_t x) {
  return static_cast<unsigned>(std::bit_width(x));
}

// include/asm-generic/bitops/fls64.h: fls of a 64-bit word.
constexpr unsigned fls64(std::uint64_t x) {
  return static_cast<unsigned>(std::bit_width(x));
}

// include/linux/log2.h:ilog2: floor(log2(n)) = fls64(n) - 1; undefined for 0.
constexpr unsigned ilog2(std::uint64_t n) {
  return fls64(n) - 1;
}

// include/linux/log2.h:rounddown_pow_of_two: the largest power of 2 <= n (n > 0).
constexpr std::uint64_t rounddown_pow_of_two(std::uint64_t n) {
  return std::uint64_t{1} << (fls64(n) - 1);
}

// include/asm-generic/getorder.h:get_order: the smallest order whose block of
// 2^order pages holds `size` bytes; get_order(PAGE_SIZE) = 0,
// get_order(PAGE_SIZE + 1) = 1. As in the kernel (BITS_PER_LONG = 64), size 0
// is undefined and gives 64 - PAGE_SHIFT.
constexpr unsigned get_order(std::uint64_t size) {
  --size;
  size >>= kPageShift;
  return fls64(size);
}

// include/linux/math.h:mult_frac (6.x): x * n / d rounded down, without the
// intermediate product overflowing when x is large.
constexpr std::uint64_t mult_frac(std::uint64_t x, std::uint64_t n, std::uint64_t d) {
  const std::uint64_t q = x / d;
  const std::uint64_t r = x % d;
  return q * n + r * n / d;
}

// include/linux/align.h (6.x; include/linux/kernel.h in 2.6.32): ALIGN(x, a),
// x rounded up to a multiple of `a`, a power of 2.
template <class T>
constexpr T align_up(T x, std::type_identity_t<T> a) {
  static_assert(std::is_unsigned_v<T>);
  return (x + (a - 1)) & ~(a - 1);
}
// ALIGN() of an address (the kernel applies it to addresses as to sizes).
template <class Tag>
constexpr sim::Address<Tag> align_up(sim::Address<Tag> x, std::uint64_t a) {
  return sim::Address<Tag>(align_up(x.value(), a));
}

// sizeof(void *) (mm/slab.c's BYTES_PER_WORD): 8 on x86_64, 4 on i386.
constexpr std::uint32_t bytes_per_word(sim::Arch arch) {
  return arch == sim::Arch::x86_64 ? 8 : 4;
}

}  // namespace allocsim::model
