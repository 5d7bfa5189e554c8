#pragma once
// Random quantities of a workload: sizes, lifetimes, think times, counts.
// The config text ("uniform(32, 512)", "exponential(10us)") is read by
// io/config/distribution_text.hpp; this is the value and its sampling.
// Sampling uses only sim::Rng's raw bits and written-out formulas (never
// <random>'s distributions, whose algorithms differ between libraries), so a
// seed gives the same values on every host.
#include <cstdint>
#include <vector>

#include "sim/rng.hpp"

namespace allocsim::workloads::gen {

class Distribution {
 public:
  enum class Kind : std::uint8_t { constant, uniform, exponential, lognormal, pareto, table };

  Distribution() = default;  // constant 0
  // Each factory throws std::invalid_argument for impossible parameters.
  static Distribution constant(std::uint64_t value);
  static Distribution uniform(std::uint64_t lo, std::uint64_t hi);  // both ends included
  static Distribution exponential(double mean);                     // mean > 0
  static Distribution lognormal(double median, double sigma);       // exp(N(ln median, sigma^2))
  // Scale xm > 0, shape alpha > 0; draws above `cap` are clamped to it (0: no cap).
  static Distribution pareto(double xm, double alpha, std::uint64_t cap = 0);
  // Discrete values with positive integer weights.
  static Distribution table(std::vector<std::uint64_t> values, std::vector<std::uint64_t> weights);

  // One draw, rounded to the nearest integer (half up) and clamped to
  // [min(), max()]. A constant draws nothing from the stream.
  std::uint64_t sample(sim::Rng& rng) const;

  Kind kind() const { return kind_; }
  bool is_constant() const { return kind_ == Kind::constant; }
  std::uint64_t min() const { return min_; }  // smallest value a draw can give
  std::uint64_t max() const { return max_; }  // largest (UINT64_MAX when unbounded)
  double mean() const;                        // of the values draws give (before rounding)

 private:
  Kind kind_ = Kind::constant;
  double a_ = 0, b_ = 0;  // parameters, per kind
  std::uint64_t min_ = 0, max_ = 0;
  std::vector<std::uint64_t> values_;      // table
  std::vector<std::uint64_t> cumulative_;  // table: running weight sums
};

}  // namespace allocsim::workloads::gen
