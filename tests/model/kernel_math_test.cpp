// The kernel's integer helpers against the values their kernel headers give.
#include "model/kernel_math.hpp"

#include <gtest/gtest.h>

namespace allocsim::model {
namespace {

TEST(KernelMath, GetOrderAsGetorderH) {
  // include/asm-generic/getorder.h: fls64((size - 1) >> PAGE_SHIFT).
  EXPECT_EQ(get_order(1), 0u);
  EXPECT_EQ(get_order(kPageSize), 0u);
  EXPECT_EQ(get_order(kPageSize + 1), 1u);  // 4097
  EXPECT_EQ(get_order(2 * kPageSize), 1u);
  EXPECT_EQ(get_order(2 * kPageSize + 1), 2u);
  EXPECT_EQ(get_order(3 * kPageSize), 2u);
  EXPECT_EQ(get_order(kPageSize << kMaxOrder), kMaxOrder);  // 4 MiB, KMALLOC_MAX_SIZE
  EXPECT_EQ(get_order((kPageSize << kMaxOrder) + 1), kMaxOrder + 1);
  EXPECT_EQ(get_order(std::uint64_t{1} << 63), 63u - kPageShift);
  EXPECT_EQ(get_order((std::uint64_t{1} << 63) + 1), 64u - kPageShift);
  // Size 0 is undefined in the kernel; on 64 bits both of its forms give
  // BITS_PER_LONG - PAGE_SHIFT.
  EXPECT_EQ(get_order(0), 64u - kPageShift);
}

TEST(KernelMath, MultFracDoesNotOverflow) {
  // 2^62 * 15000 overflows 64 bits; mult_frac still gives 1.5 * 2^62 exactly
  // (watermark_boost_factor over a large high watermark).
  EXPECT_EQ(mult_frac(std::uint64_t{1} << 62, 15000, 10000), std::uint64_t{3} << 61);
  // Against floor(x * n / d) in 128 bits, wherever r * n fits in 64 bits.
  const std::uint64_t xs[] = {0, 1, 9999, 10000, 10001, 123456789, 1ull << 40, ~0ull / 20000};
  const std::uint64_t ns[] = {0, 1, 7, 10, 15000};
  const std::uint64_t ds[] = {1, 3, 10, 10000};
  for (std::uint64_t x : xs)
    for (std::uint64_t n : ns)
      for (std::uint64_t d : ds) {
        const unsigned __int128 exact = static_cast<unsigned __int128>(x) * n / d;
        EXPECT_EQ(mult_frac(x, n, d), static_cast<std::uint64_t>(exact))
            << x << " * " << n << " / " << d;
      }
  // Truncation: 10 * 1 / 3 = 3, not 3.33 rounded up.
  EXPECT_EQ(mult_frac(10, 1, 3), 3u);
}

TEST(KernelMath, FlsAndLog2) {
  EXPECT_EQ(fls(0), 0u);
  EXPECT_EQ(fls(1), 1u);
  EXPECT_EQ(fls(2), 2u);
  EXPECT_EQ(fls(3), 2u);
  EXPECT_EQ(fls(0x80000000u), 32u);
  EXPECT_EQ(fls(0xffffffffu), 32u);
  EXPECT_EQ(fls64(0), 0u);
  EXPECT_EQ(fls64(std::uint64_t{1} << 32), 33u);
  EXPECT_EQ(fls64(std::uint64_t{1} << 63), 64u);
  EXPECT_EQ(ilog2(1), 0u);
  EXPECT_EQ(ilog2(4095), 11u);
  EXPECT_EQ(ilog2(4096), 12u);
  EXPECT_EQ(ilog2(4097), 12u);
  EXPECT_EQ(rounddown_pow_of_two(1), 1u);
  EXPECT_EQ(rounddown_pow_of_two(3), 2u);
  EXPECT_EQ(rounddown_pow_of_two(96), 64u);
  EXPECT_EQ(rounddown_pow_of_two(128), 128u);
}

TEST(KernelMath, AlignAndWordSize) {
  EXPECT_EQ(align_up(13u, 8u), 16u);
  EXPECT_EQ(align_up(16u, 8u), 16u);
  EXPECT_EQ(align_up(0u, 64u), 0u);
  EXPECT_EQ(align_up(std::uint64_t{0x1001}, kPageSize), 0x2000u);  // PAGE_ALIGN
  EXPECT_EQ(align_up(std::uint64_t{0x1000}, kPageSize), 0x1000u);
  EXPECT_EQ(align_up(std::uint64_t{5}, 1), 5u);
  EXPECT_EQ(bytes_per_word(sim::Arch::x86_64), 8u);
  EXPECT_EQ(bytes_per_word(sim::Arch::i386), 4u);
}

}  // namespace
}  // namespace allocsim::model
