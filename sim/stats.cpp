#include "sim/stats.hpp"

#include <algorithm>
#include <stdexcept>

namespace allocsim::sim {

std::uint64_t Histogram::quantile_upper_bound(double q) const {
  if (count == 0) return 0;
  const auto target = static_cast<std::uint64_t>(q * static_cast<double>(count - 1)) + 1;
  std::uint64_t seen = 0;
  for (unsigned b = 0; b < kBuckets; ++b) {
    seen += buckets[b];
    if (seen >= target) return b == 0 ? 0 : (b >= 64 ? max : (std::uint64_t{1} << b) - 1);
  }
  return max;
}

std::uint64_t LatencyHistogram::quantile_upper_bound(double q) const {
  if (count == 0) return 0;
  const auto target = static_cast<std::uint64_t>(q * static_cast<double>(count - 1)) + 1;
  std::uint64_t seen = 0;
  for (unsigned b = 0; b < kBuckets; ++b) {
    seen += buckets[b];
    if (seen >= target) return std::min(upper_bound(b), max);
  }
  return max;
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
  for (unsigned b = 0; b < kBuckets; ++b) buckets[b] += o.buckets[b];
  count += o.count;
  sum += o.sum;
  max = std::max(max, o.max);
}

Counter& StatsRegistry::counter(std::string name, int scope) {
  for (auto& e : counters_)
    if (e.scope == scope && e.name == name)
      throw std::logic_error("counter registered twice: " + name);
  counters_.push_back({std::move(name), scope, {}});
  return counters_.back().counter;
}

Histogram& StatsRegistry::histogram(std::string name, int scope) {
  for (auto& e : histograms_)
    if (e.scope == scope && e.name == name)
      throw std::logic_error("histogram registered twice: " + name);
  histograms_.push_back({std::move(name), scope, {}});
  return histograms_.back().histogram;
}

LatencyHistogram& StatsRegistry::latency(std::string name, int scope) {
  for (auto& e : latencies_)
    if (e.scope == scope && e.name == name)
      throw std::logic_error("latency histogram registered twice: " + name);
  latencies_.push_back({std::move(name), scope, {}});
  return latencies_.back().histogram;
}

std::uint64_t StatsRegistry::total(const std::string& name) const {
  std::uint64_t sum = 0;
  for (const auto& e : counters_)
    if (e.name == name) sum += e.counter.value;
  return sum;
}

std::uint64_t StatsRegistry::value(const std::string& name, int scope) const {
  for (const auto& e : counters_)
    if (e.scope == scope && e.name == name) return e.counter.value;
  return 0;
}

}  // namespace allocsim::sim
