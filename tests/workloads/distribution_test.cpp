// Distributions: exact values where the result is defined, sample statistics
// against the analytic ones (tolerances of 6 or more standard errors, so a
// correct implementation does not fail by chance), and the config text.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/config/distribution_text.hpp"
#include "sim/rng.hpp"
#include "workloads/generator/distribution.hpp"

namespace allocsim::workloads::gen {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr int kDraws = 200000;

struct Stats {
  double mean = 0;
  std::uint64_t lo = kMax, hi = 0;
};

Stats draw(const Distribution& d, std::uint64_t seed = 1) {
  sim::Rng rng(seed, 0);
  Stats s;
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    std::uint64_t x = d.sample(rng);
    sum += static_cast<double>(x);
    s.lo = std::min(s.lo, x);
    s.hi = std::max(s.hi, x);
  }
  s.mean = sum / kDraws;
  return s;
}

TEST(DistributionTest, DefaultIsConstantZero) {
  Distribution d;
  EXPECT_TRUE(d.is_constant());
  EXPECT_EQ(d.min(), 0u);
  EXPECT_EQ(d.max(), 0u);
  sim::Rng rng(1, 0);
  EXPECT_EQ(d.sample(rng), 0u);
}

TEST(DistributionTest, ConstantDrawsNothingFromTheStream) {
  Distribution d = Distribution::constant(4096);
  sim::Rng rng(7, 3), untouched(7, 3);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(d.sample(rng), 4096u);
  EXPECT_EQ(rng.next(), untouched.next());
  EXPECT_EQ(d.min(), 4096u);
  EXPECT_EQ(d.max(), 4096u);
  EXPECT_EQ(d.mean(), 4096.0);
}

TEST(DistributionTest, UniformHitsBothEndsAndNothingOutside) {
  Distribution d = Distribution::uniform(10, 13);
  EXPECT_EQ(d.kind(), Distribution::Kind::uniform);
  EXPECT_EQ(d.min(), 10u);
  EXPECT_EQ(d.max(), 13u);
  EXPECT_EQ(d.mean(), 11.5);
  std::vector<int> seen(4);
  sim::Rng rng(1, 0);
  for (int i = 0; i < 4000; ++i) {
    std::uint64_t x = d.sample(rng);
    ASSERT_GE(x, 10u);
    ASSERT_LE(x, 13u);
    ++seen[x - 10];
  }
  for (int n : seen) EXPECT_GT(n, 800);  // expected 1000 each
}

TEST(DistributionTest, UniformMean) {
  Distribution d = Distribution::uniform(1, 100);
  Stats s = draw(d);
  EXPECT_EQ(s.lo, 1u);
  EXPECT_EQ(s.hi, 100u);
  EXPECT_NEAR(s.mean, 50.5, 0.5);  // standard error 0.065
}

TEST(DistributionTest, UniformOfOneValue) {
  Distribution d = Distribution::uniform(5, 5);
  sim::Rng rng(1, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d.sample(rng), 5u);
}

TEST(DistributionTest, UniformOverTheFull64BitRange) {
  // hi - lo + 1 wraps to 0 here; below(0) would give lo every time.
  Distribution d = Distribution::uniform(0, kMax);
  EXPECT_EQ(d.min(), 0u);
  EXPECT_EQ(d.max(), kMax);
  EXPECT_NEAR(d.mean(), 0x1p63, 0x1p20);
  sim::Rng rng(1, 0);
  int high = 0;
  for (int i = 0; i < 1000; ++i) high += d.sample(rng) >= (std::uint64_t{1} << 63);
  EXPECT_GT(high, 400);
  EXPECT_LT(high, 600);

  Distribution top = Distribution::uniform(kMax - 1, kMax);
  Stats s = draw(top);
  EXPECT_EQ(s.lo, kMax - 1);
  EXPECT_EQ(s.hi, kMax);
}

TEST(DistributionTest, SameSeedSameSequenceOtherStreamDiffers) {
  for (const Distribution& d : {Distribution::uniform(0, 1000000), Distribution::exponential(1000),
                                Distribution::lognormal(1000, 1), Distribution::pareto(100, 1.5),
                                Distribution::table({1, 2, 3, 4}, {1, 1, 1, 1})}) {
    sim::Rng a(42, 1), b(42, 1), other(42, 2);
    std::vector<std::uint64_t> xa, xb, xo;
    for (int i = 0; i < 64; ++i) {
      xa.push_back(d.sample(a));
      xb.push_back(d.sample(b));
      xo.push_back(d.sample(other));
    }
    EXPECT_EQ(xa, xb);
    EXPECT_NE(xa, xo);
  }
}

TEST(DistributionTest, ExponentialMean) {
  Distribution d = Distribution::exponential(1000);
  EXPECT_EQ(d.kind(), Distribution::Kind::exponential);
  EXPECT_EQ(d.min(), 0u);
  EXPECT_EQ(d.max(), kMax);
  EXPECT_EQ(d.mean(), 1000.0);
  Stats s = draw(d);
  EXPECT_NEAR(s.mean, 1000, 15);  // standard error 2.2
  EXPECT_EQ(s.lo, 0u);
}

TEST(DistributionTest, ExponentialMedianIsMeanLn2) {
  // Catches a rate used where the mean belongs, or log(u) for log(1 - u)'s sign.
  Distribution d = Distribution::exponential(1000);
  sim::Rng rng(3, 0);
  int below = 0;
  for (int i = 0; i < kDraws; ++i) below += d.sample(rng) < 693;  // 1000 ln 2 = 693.1
  EXPECT_NEAR(static_cast<double>(below) / kDraws, 0.5, 0.01);
}

TEST(DistributionTest, HugeDrawsClampToMax) {
  // Far beyond 2^64: converting such a double to an integer would be undefined.
  Distribution d = Distribution::exponential(1e30);
  sim::Rng rng(1, 0);
  int at_max = 0;
  for (int i = 0; i < 1000; ++i) at_max += d.sample(rng) == kMax;
  EXPECT_GT(at_max, 990);
}

TEST(DistributionTest, LognormalMeanMedianAndSpread) {
  Distribution d = Distribution::lognormal(1000, 0.5);
  EXPECT_EQ(d.kind(), Distribution::Kind::lognormal);
  EXPECT_EQ(d.min(), 0u);
  EXPECT_EQ(d.max(), kMax);
  EXPECT_DOUBLE_EQ(d.mean(), 1000 * std::exp(0.125));
  sim::Rng rng(5, 0);
  double sum = 0, log_sum = 0, log_sq = 0;
  int below_median = 0;
  for (int i = 0; i < kDraws; ++i) {
    double x = static_cast<double>(d.sample(rng));
    sum += x;
    log_sum += std::log(x);
    log_sq += std::log(x) * std::log(x);
    below_median += x < 1000;
  }
  EXPECT_NEAR(sum / kDraws, d.mean(), 11);  // standard error 1.35
  EXPECT_NEAR(static_cast<double>(below_median) / kDraws, 0.5, 0.01);
  double log_mean = log_sum / kDraws;
  EXPECT_NEAR(log_mean, std::log(1000), 0.01);
  EXPECT_NEAR(std::sqrt(log_sq / kDraws - log_mean * log_mean), 0.5, 0.01);
}

TEST(DistributionTest, LognormalWithoutSpreadIsTheMedian) {
  Distribution d = Distribution::lognormal(640, 0);
  EXPECT_EQ(d.min(), 640u);
  EXPECT_EQ(d.max(), 640u);
  sim::Rng rng(1, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d.sample(rng), 640u);
}

TEST(DistributionTest, ParetoMeanAndTail) {
  Distribution d = Distribution::pareto(100, 3);
  EXPECT_EQ(d.kind(), Distribution::Kind::pareto);
  EXPECT_EQ(d.min(), 100u);
  EXPECT_EQ(d.max(), kMax);
  EXPECT_DOUBLE_EQ(d.mean(), 150);
  sim::Rng rng(9, 0);
  double sum = 0;
  int tail = 0;
  std::uint64_t lo = kMax;
  for (int i = 0; i < kDraws; ++i) {
    std::uint64_t x = d.sample(rng);
    sum += static_cast<double>(x);
    tail += x >= 201;  // unrounded >= 200.5: (100 / 200.5)^3 = 0.1241
    lo = std::min(lo, x);
  }
  EXPECT_EQ(lo, 100u);
  EXPECT_NEAR(sum / kDraws, 150, 1.5);  // standard error 0.19
  EXPECT_NEAR(static_cast<double>(tail) / kDraws, 0.1241, 0.004);
}

TEST(DistributionTest, ParetoMeanWithoutFiniteMean) {
  EXPECT_TRUE(std::isinf(Distribution::pareto(100, 1).mean()));
  EXPECT_TRUE(std::isinf(Distribution::pareto(100, 0.5).mean()));
}

TEST(DistributionTest, ParetoCapIsRespectedAndInTheMean) {
  // alpha 1: P(X >= 1000) = 0.1 reaches the cap; mean 100 + 100 ln 10.
  Distribution d = Distribution::pareto(100, 1, 1000);
  EXPECT_EQ(d.min(), 100u);
  EXPECT_EQ(d.max(), 1000u);
  EXPECT_NEAR(d.mean(), 100 + 100 * std::log(10.0), 1e-9);
  sim::Rng rng(2, 0);
  double sum = 0;
  int at_cap = 0;
  for (int i = 0; i < kDraws; ++i) {
    std::uint64_t x = d.sample(rng);
    ASSERT_GE(x, 100u);
    ASSERT_LE(x, 1000u);
    sum += static_cast<double>(x);
    at_cap += x == 1000;
  }
  EXPECT_NEAR(sum / kDraws, d.mean(), 4);  // standard error 0.5
  EXPECT_NEAR(static_cast<double>(at_cap) / kDraws, 0.1, 0.005);

  // alpha 2.5, cap 300: 100 + 100 (1 - (1/3)^1.5) / 1.5.
  Distribution e = Distribution::pareto(100, 2.5, 300);
  EXPECT_NEAR(e.mean(), 100 + 100 * (1 - std::pow(1.0 / 3, 1.5)) / 1.5, 1e-9);
  EXPECT_NEAR(draw(e).mean, e.mean(), 0.6);  // standard error 0.11
}

TEST(DistributionTest, RoundsHalfUp) {
  // A huge alpha puts every draw at xm (or a hair above).
  EXPECT_EQ(Distribution::pareto(10.5, 1e9).min(), 11u);
  EXPECT_EQ(Distribution::pareto(10.4, 1e9).min(), 10u);
  EXPECT_EQ(Distribution::lognormal(2.5, 0).min(), 3u);
  EXPECT_EQ(Distribution::lognormal(0.49999999999999994, 0).min(), 0u);
  Stats s = draw(Distribution::pareto(10.5, 1e9));
  EXPECT_EQ(s.lo, 11u);
  EXPECT_EQ(s.hi, 11u);
}

TEST(DistributionTest, TableFrequenciesAndMean) {
  Distribution d = Distribution::table({32, 64}, {1, 3});
  EXPECT_EQ(d.kind(), Distribution::Kind::table);
  EXPECT_EQ(d.min(), 32u);
  EXPECT_EQ(d.max(), 64u);
  EXPECT_EQ(d.mean(), 56.0);
  sim::Rng rng(4, 0);
  int small = 0;
  for (int i = 0; i < kDraws; ++i) {
    std::uint64_t x = d.sample(rng);
    ASSERT_TRUE(x == 32 || x == 64) << x;
    small += x == 32;
  }
  EXPECT_NEAR(static_cast<double>(small) / kDraws, 0.25, 0.006);  // standard error 0.001
}

TEST(DistributionTest, TableEdgesAndOrder) {
  // Unsorted values; the weights follow their values. A one-weight entry at
  // either end must still be drawn (off-by-one in the search loses it).
  Distribution d = Distribution::table({512, 8, 4096}, {1, 98, 1});
  EXPECT_EQ(d.min(), 8u);
  EXPECT_EQ(d.max(), 4096u);
  EXPECT_DOUBLE_EQ(d.mean(), (512 + 8 * 98 + 4096) / 100.0);
  sim::Rng rng(6, 0);
  int counts[3] = {};
  for (int i = 0; i < 100000; ++i) {
    std::uint64_t x = d.sample(rng);
    counts[x == 512 ? 0 : x == 8 ? 1 : 2]++;
  }
  EXPECT_NEAR(counts[0], 1000, 200);
  EXPECT_NEAR(counts[2], 1000, 200);

  Distribution one = Distribution::table({77}, {5});
  EXPECT_EQ(one.min(), 77u);
  EXPECT_EQ(one.max(), 77u);
  EXPECT_EQ(one.mean(), 77.0);
  Stats s = draw(one);
  EXPECT_EQ(s.lo, 77u);
  EXPECT_EQ(s.hi, 77u);
}

TEST(DistributionTest, ImpossibleParametersThrow) {
  EXPECT_THROW(Distribution::uniform(5, 4), std::invalid_argument);
  EXPECT_THROW(Distribution::exponential(0), std::invalid_argument);
  EXPECT_THROW(Distribution::exponential(-1), std::invalid_argument);
  EXPECT_THROW(Distribution::exponential(std::nan("")), std::invalid_argument);
  EXPECT_THROW(Distribution::lognormal(0, 1), std::invalid_argument);
  EXPECT_THROW(Distribution::lognormal(100, -0.1), std::invalid_argument);
  EXPECT_THROW(Distribution::pareto(0, 1), std::invalid_argument);
  EXPECT_THROW(Distribution::pareto(10, 0), std::invalid_argument);
  EXPECT_THROW(Distribution::pareto(10, -1), std::invalid_argument);
  EXPECT_THROW(Distribution::pareto(10, 1, 9), std::invalid_argument);
  EXPECT_THROW(Distribution::table({}, {}), std::invalid_argument);
  EXPECT_THROW(Distribution::table({1, 2}, {1}), std::invalid_argument);
  EXPECT_THROW(Distribution::table({1, 2}, {1, 0}), std::invalid_argument);
  EXPECT_THROW(Distribution::table({1, 2}, {kMax, 1}), std::invalid_argument);
  EXPECT_NO_THROW(Distribution::pareto(10, 1, 10));
}

// ---- config text ----

Distribution parse(std::string_view text, io::Quantity q = io::Quantity::count, double ghz = 2.0) {
  return io::parse_distribution(text, q, ghz);
}

std::string parse_error(std::string_view text, io::Quantity q = io::Quantity::count) {
  try {
    parse(text, q);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_ERROR(text, fragment) \
  EXPECT_NE(parse_error(text).find(fragment), std::string::npos) << parse_error(text)
#define EXPECT_ERROR_Q(text, q, fragment) \
  EXPECT_NE(parse_error(text, q).find(fragment), std::string::npos) << parse_error(text, q)

TEST(DistributionTextTest, Constants) {
  Distribution c = parse("64");
  EXPECT_TRUE(c.is_constant());
  EXPECT_EQ(c.min(), 64u);
  EXPECT_EQ(parse("2KiB", io::Quantity::bytes).min(), 2048u);
  EXPECT_EQ(parse("10us", io::Quantity::time).min(), 20000u);
  EXPECT_EQ(parse("2000 cycles", io::Quantity::time).min(), 2000u);
  EXPECT_EQ(parse(" 0 ").min(), 0u);
  EXPECT_EQ(parse("0", io::Quantity::time).min(), 0u);
  EXPECT_EQ(parse("0", io::Quantity::bytes).min(), 0u);
}

TEST(DistributionTextTest, EachForm) {
  Distribution u = parse("uniform(1KiB, 4KiB)", io::Quantity::bytes);
  EXPECT_EQ(u.kind(), Distribution::Kind::uniform);
  EXPECT_EQ(u.min(), 1024u);
  EXPECT_EQ(u.max(), 4096u);

  Distribution e = parse("exponential(10us)", io::Quantity::time, 2.0);
  EXPECT_EQ(e.kind(), Distribution::Kind::exponential);
  EXPECT_EQ(e.mean(), 20000.0);

  Distribution l = parse("lognormal(4KiB, 0.5)", io::Quantity::bytes);
  EXPECT_EQ(l.kind(), Distribution::Kind::lognormal);
  EXPECT_DOUBLE_EQ(l.mean(), 4096 * std::exp(0.125));

  Distribution p = parse("pareto(64, 1.5)", io::Quantity::bytes);
  EXPECT_EQ(p.kind(), Distribution::Kind::pareto);
  EXPECT_EQ(p.min(), 64u);
  EXPECT_EQ(p.max(), kMax);
  EXPECT_DOUBLE_EQ(p.mean(), 192);
  Distribution pc = parse("pareto(64, 1.5, 1MiB)", io::Quantity::bytes);
  EXPECT_EQ(pc.max(), 1048576u);

  Distribution t = parse("table(32:1, 64:3)", io::Quantity::bytes);
  EXPECT_EQ(t.kind(), Distribution::Kind::table);
  EXPECT_EQ(t.min(), 32u);
  EXPECT_EQ(t.max(), 64u);
  EXPECT_EQ(t.mean(), 56.0);

  Distribution tt = parse("table(1us:1, 500ns:1)", io::Quantity::time, 2.0);
  EXPECT_EQ(tt.min(), 1000u);
  EXPECT_EQ(tt.max(), 2000u);
}

TEST(DistributionTextTest, WhitespaceBetweenTokens) {
  Distribution u = parse("  uniform ( 1 ,\t2 )  ");
  EXPECT_EQ(u.min(), 1u);
  EXPECT_EQ(u.max(), 2u);
  Distribution t = parse("table( 32 : 1 ,64:3 )");
  EXPECT_EQ(t.mean(), 56.0);
  EXPECT_EQ(parse("exponential( 4 KiB )", io::Quantity::bytes).mean(), 4096.0);
}

TEST(DistributionTextTest, SampledValuesFollowTheText) {
  // The parsed table draws what it says, 1:3.
  Distribution t = parse("table(32:1, 64:3)", io::Quantity::bytes);
  sim::Rng rng(8, 0);
  int small = 0;
  for (int i = 0; i < 40000; ++i) small += t.sample(rng) == 32;
  EXPECT_NEAR(small / 40000.0, 0.25, 0.015);
}

TEST(DistributionTextTest, Errors) {
  EXPECT_ERROR("unifrom(1, 2)", "unknown distribution 'unifrom'");
  EXPECT_ERROR("unifrom(1, 2)", "expected uniform, exponential, lognormal, pareto or table");
  EXPECT_ERROR("unifrom(1, 2)", "did you mean 'uniform'");
  EXPECT_ERROR("Uniform(1, 2)", "did you mean 'uniform'");
  EXPECT_ERROR("exponental(5)", "did you mean 'exponential'");
  EXPECT_ERROR("gauss(5)", "unknown distribution 'gauss'");
  EXPECT_ERROR("unifrom", "did you mean 'uniform'");
  EXPECT_ERROR("uniform", "missing '(' after 'uniform'");
  EXPECT_ERROR("uniform(1, 2, 3)", "uniform takes 2 arguments, got 3");
  EXPECT_ERROR("uniform()", "uniform takes 2 arguments, got 0");
  EXPECT_ERROR("exponential(1, 2)", "exponential takes 1 argument, got 2");
  EXPECT_ERROR("pareto(1)", "pareto takes 2 or 3 arguments, got 1");
  EXPECT_ERROR("uniform(1, 2", "missing ')'");
  EXPECT_ERROR("uniform(1, 2) x", "unexpected 'x' after ')'");
  EXPECT_ERROR("uniform(1, , 2)", "argument 2 of uniform is empty");
  EXPECT_ERROR("(1, 2)", "missing distribution name");
  EXPECT_ERROR("", "empty");
  EXPECT_ERROR("table(64)", "table entry '64' needs value:weight");
  EXPECT_ERROR("table()", "at least one");
  EXPECT_ERROR("table(32:0)", "weight 0");
  EXPECT_ERROR("table(32:x)", "table entry '32:x'");
  EXPECT_ERROR("uniform(5, 1)", "lo <= hi");
  EXPECT_ERROR("uniform(1, x)", "argument 2 of uniform");
  EXPECT_ERROR("lognormal(100, abc)", "'abc'");
  EXPECT_ERROR("lognormal(100, 0.5x)", "'0.5x'");
  EXPECT_ERROR("lognormal(100, inf)", "'inf'");
  EXPECT_ERROR("lognormal(100, -1)", "sigma must not be negative");
  EXPECT_ERROR("pareto(100, 0)", "alpha must be greater than 0");
  EXPECT_ERROR("pareto(100, 2, 50)", "below xm");
  EXPECT_ERROR("pareto(100, 2, 0)", "pareto max");
  EXPECT_ERROR("exponential(0)", "mean must be greater than 0");
  EXPECT_ERROR("12abc", "12abc");
  EXPECT_ERROR_Q("uniform(1KiB, 4KiX)", io::Quantity::bytes, "unknown unit 'KiX'");
  EXPECT_ERROR_Q("exponential(10parsecs)", io::Quantity::time, "unknown unit 'parsecs'");
  EXPECT_ERROR_Q("uniform(1.5, 2)", io::Quantity::bytes, "whole number of bytes");
}

}  // namespace
}  // namespace allocsim::workloads::gen
