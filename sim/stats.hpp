#pragma once
// Named counters and log2 latency histograms. Components register what they
// count once, at construction; the hot path only increments.
#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace allocsim::sim {

struct Counter {
  std::uint64_t value = 0;
  void add(std::uint64_t n = 1) { value += n; }
};

// Bucket b holds samples in [2^(b-1), 2^b); bucket 0 holds zeros.
struct Histogram {
  static constexpr unsigned kBuckets = 65;
  std::array<std::uint64_t, kBuckets> buckets{};
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  std::uint64_t max = 0;

  static unsigned bucket_of(std::uint64_t v) { return static_cast<unsigned>(std::bit_width(v)); }
  void record(std::uint64_t v) {
    ++buckets[bucket_of(v)];
    ++count;
    sum += v;
    if (v > max) max = v;
  }
  double mean() const {
    return count ? static_cast<double>(sum) / static_cast<double>(count) : 0.0;
  }
  // Upper bound of the bucket holding quantile q (0..1): exact to a factor of two.
  std::uint64_t quantile_upper_bound(double q) const;
};

// Owns every counter and histogram; addresses stay valid for the registry's life.
class StatsRegistry {
 public:
  static constexpr int kGlobal = -1;

  struct CounterEntry {
    std::string name;
    int scope;  // CPU, node or LLC index; kGlobal when not per-instance
    Counter counter;
  };
  struct HistogramEntry {
    std::string name;
    int scope;
    Histogram histogram;
  };

  Counter& counter(std::string name, int scope = kGlobal);
  Histogram& histogram(std::string name, int scope = kGlobal);

  // Sum of a counter over all scopes (0 if never registered).
  std::uint64_t total(const std::string& name) const;
  std::uint64_t value(const std::string& name, int scope) const;
  const std::deque<CounterEntry>& counters() const { return counters_; }
  const std::deque<HistogramEntry>& histograms() const { return histograms_; }

 private:
  std::deque<CounterEntry> counters_;
  std::deque<HistogramEntry> histograms_;
};

}  // namespace allocsim::sim
