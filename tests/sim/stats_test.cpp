// LatencyHistogram: log-linear buckets whose bounds hold every value within 6.25 %.
#include <gtest/gtest.h>

#include "sim/stats.hpp"

namespace allocsim::sim {
namespace {

TEST(LatencyHistogram, BucketsTileTheRangeWithBoundedError) {
  using H = LatencyHistogram;
  EXPECT_EQ(H::bucket_of(0), 0u);
  EXPECT_EQ(H::bucket_of(31), 31u);
  EXPECT_EQ(H::bucket_of(32), 32u);
  EXPECT_EQ(H::bucket_of(33), 32u);  // [32, 33]: width 2
  EXPECT_EQ(H::bucket_of(34), 33u);
  EXPECT_EQ(H::bucket_of(~std::uint64_t{0}), H::kBuckets - 1);
  for (unsigned b = 0; b + 1 < H::kBuckets; ++b) {
    EXPECT_EQ(H::upper_bound(b) + 1, H::lower_bound(b + 1)) << b;  // no gaps, no overlap
    EXPECT_EQ(H::bucket_of(H::lower_bound(b)), b);
    EXPECT_EQ(H::bucket_of(H::upper_bound(b)), b);
    const double width = static_cast<double>(H::upper_bound(b) - H::lower_bound(b));
    EXPECT_LE(width, 0.0625 * static_cast<double>(H::lower_bound(b)) + 1e-9) << b;
  }
}

TEST(LatencyHistogram, QuantilesAreBucketUpperBoundsCappedByMax) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.count, 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
  const std::uint64_t p50 = h.quantile_upper_bound(0.5);
  EXPECT_GE(p50, 500u);
  EXPECT_LE(p50, 500u + 500u / 16);
  EXPECT_EQ(h.quantile_upper_bound(1.0), 1000u);  // capped by the maximum
  EXPECT_EQ(h.quantile_upper_bound(0.0), 1u);
  LatencyHistogram g;
  g.merge(h);
  g.merge(h);
  EXPECT_EQ(g.count, 2000u);
  EXPECT_EQ(g.quantile_upper_bound(0.5), p50);
}

}  // namespace
}  // namespace allocsim::sim
