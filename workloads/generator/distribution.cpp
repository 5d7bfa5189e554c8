#include "workloads/generator/distribution.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>

namespace allocsim::workloads::gen {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// Nearest integer, half up; NaN and negatives give 0, 2^64 and beyond give
// UINT64_MAX. floor() then a comparison, because x + 0.5 can round up by
// itself (0.49999999999999994 + 0.5 == 1.0).
std::uint64_t round_half_up(double x) {
  if (!(x > 0)) return 0;
  double whole = std::floor(x);
  if (x - whole >= 0.5) whole += 1;
  if (whole >= 0x1p64) return kMax;
  return static_cast<std::uint64_t>(whole);
}

// Shortest text that reads back as x.
std::string number(double x) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, end);
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

Distribution Distribution::constant(std::uint64_t value) {
  Distribution d;
  d.min_ = d.max_ = value;
  return d;
}

Distribution Distribution::uniform(std::uint64_t lo, std::uint64_t hi) {
  require(lo <= hi,
          "uniform needs lo <= hi, got lo " + std::to_string(lo) + " and hi " + std::to_string(hi));
  Distribution d;
  d.kind_ = Kind::uniform;
  d.min_ = lo;
  d.max_ = hi;
  return d;
}

Distribution Distribution::exponential(double mean) {
  require(mean > 0 && std::isfinite(mean),
          "exponential mean must be greater than 0, got " + number(mean));
  Distribution d;
  d.kind_ = Kind::exponential;
  d.a_ = mean;
  d.min_ = 0;
  d.max_ = kMax;
  return d;
}

Distribution Distribution::lognormal(double median, double sigma) {
  require(median > 0 && std::isfinite(median),
          "lognormal median must be greater than 0, got " + number(median));
  require(sigma >= 0 && std::isfinite(sigma),
          "lognormal sigma must not be negative, got " + number(sigma));
  Distribution d;
  d.kind_ = Kind::lognormal;
  d.a_ = median;
  d.b_ = sigma;
  // sigma 0 draws the median every time; otherwise the tails are unbounded.
  d.min_ = sigma == 0 ? round_half_up(median) : 0;
  d.max_ = sigma == 0 ? d.min_ : kMax;
  return d;
}

Distribution Distribution::pareto(double xm, double alpha, std::uint64_t cap) {
  require(xm > 0 && std::isfinite(xm), "pareto xm must be greater than 0, got " + number(xm));
  require(alpha > 0 && std::isfinite(alpha),
          "pareto alpha must be greater than 0, got " + number(alpha));
  require(cap == 0 || static_cast<double>(cap) >= xm,
          "pareto cap " + std::to_string(cap) + " is below xm " + number(xm));
  Distribution d;
  d.kind_ = Kind::pareto;
  d.a_ = xm;
  d.b_ = alpha;
  d.min_ = round_half_up(xm);
  d.max_ = cap == 0 ? kMax : cap;
  return d;
}

Distribution Distribution::table(std::vector<std::uint64_t> values,
                                 std::vector<std::uint64_t> weights) {
  require(!values.empty(), "table needs at least one value");
  require(values.size() == weights.size(), "table has " + std::to_string(values.size()) +
                                               " values but " + std::to_string(weights.size()) +
                                               " weights");
  Distribution d;
  d.kind_ = Kind::table;
  d.cumulative_.reserve(weights.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    require(weights[i] > 0, "table weight of value " + std::to_string(values[i]) +
                                " is 0 (weights must be positive)");
    require(weights[i] <= kMax - total, "table weights add up to more than 2^64 - 1");
    total += weights[i];
    d.cumulative_.push_back(total);
  }
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  d.min_ = *lo;
  d.max_ = *hi;
  d.values_ = std::move(values);
  return d;
}

// log, exp, pow and cos come from libm: the same on every glibc host, but
// another libm may differ in the last bit and so, rarely, in a rounded draw.
std::uint64_t Distribution::sample(sim::Rng& rng) const {
  double x = 0;
  switch (kind_) {
    case Kind::constant:
      return min_;
    case Kind::uniform:
      // The full 64-bit range has 2^64 values, one more than below() can take.
      if (min_ == 0 && max_ == kMax) return rng.next();
      return min_ + rng.below(max_ - min_ + 1);
    case Kind::exponential:
      // 1 - u is in (0, 1], so the log is finite.
      x = -a_ * std::log(1 - rng.unit());
      break;
    case Kind::lognormal: {
      // Box-Muller; the second normal of the pair is dropped, since keeping it
      // would make sample() stateful.
      const double u1 = rng.unit(), u2 = rng.unit();
      const double z = std::sqrt(-2 * std::log(1 - u1)) * std::cos(2 * std::numbers::pi * u2);
      x = a_ * std::exp(b_ * z);
      break;
    }
    case Kind::pareto:
      // Inverse CDF. 1 - u is in (0, 1]; a pow() that underflows to 0 gives
      // infinity, which the clamp below turns into max().
      x = a_ / std::pow(1 - rng.unit(), 1 / b_);
      break;
    case Kind::table: {
      const std::uint64_t r = rng.below(cumulative_.back());
      const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), r);
      return values_[static_cast<std::size_t>(it - cumulative_.begin())];
    }
  }
  return std::clamp(round_half_up(x), min_, max_);
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::constant:
      return static_cast<double>(min_);
    case Kind::uniform:
      return static_cast<double>(min_) + static_cast<double>(max_ - min_) / 2;
    case Kind::exponential:
      return a_;
    case Kind::lognormal:
      return a_ * std::exp(b_ * b_ / 2);
    case Kind::pareto: {
      const double xm = a_, alpha = b_;
      // A cap of UINT64_MAX is taken as no cap.
      if (max_ == kMax) {
        return alpha > 1 ? alpha * xm / (alpha - 1) : std::numeric_limits<double>::infinity();
      }
      // Capped at c: E[min(X, c)] = xm + integral from xm to c of (xm/t)^alpha dt.
      const double c = static_cast<double>(max_);
      if (alpha == 1) return xm + xm * std::log(c / xm);
      // xm * (1 - (xm/c)^(alpha-1)) / (alpha-1), with expm1 for alpha near 1.
      return xm - xm * std::expm1((alpha - 1) * std::log(xm / c)) / (alpha - 1);
    }
    case Kind::table: {
      double sum = 0;
      std::uint64_t previous = 0;
      for (std::size_t i = 0; i < values_.size(); ++i) {
        sum += static_cast<double>(values_[i]) * static_cast<double>(cumulative_[i] - previous);
        previous = cumulative_[i];
      }
      return sum / static_cast<double>(cumulative_.back());
    }
  }
  return 0;
}

}  // namespace allocsim::workloads::gen
