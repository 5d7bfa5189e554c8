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

// Log-linear buckets for operation latencies: exact below 32, then 16
// buckets per power of two, so a bucket's bounds are within 6.25 % of any
// value in it (what tail latencies need; Histogram's factor of two is not).
struct LatencyHistogram {
  static constexpr unsigned kSubBits = 4, kSub = 1u << kSubBits;  // 16 per octave
  static constexpr unsigned kExact = 2 * kSub;                    // 0..31 exact
  static constexpr unsigned kBuckets = kExact + (64 - kSubBits - 1) * kSub;
  std::array<std::uint64_t, kBuckets> buckets{};
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
  std::uint64_t max = 0;

  static unsigned bucket_of(std::uint64_t v) {
    if (v < kExact) return static_cast<unsigned>(v);
    const unsigned shift = static_cast<unsigned>(std::bit_width(v)) - (kSubBits + 1);
    return kExact + (shift - 1) * kSub + static_cast<unsigned>((v >> shift) - kSub);
  }
  static std::uint64_t lower_bound(unsigned b) {
    if (b < kExact) return b;
    const unsigned shift = (b - kExact) / kSub + 1;
    return (kSub + std::uint64_t{(b - kExact) % kSub}) << shift;
  }
  static std::uint64_t upper_bound(unsigned b) {  // inclusive
    if (b < kExact) return b;
    const unsigned shift = (b - kExact) / kSub + 1;
    return ((kSub + std::uint64_t{(b - kExact) % kSub} + 1) << shift) - 1;
  }
  void record(std::uint64_t v) {
    ++buckets[bucket_of(v)];
    ++count;
    sum += v;
    if (v > max) max = v;
  }
  double mean() const {
    return count ? static_cast<double>(sum) / static_cast<double>(count) : 0.0;
  }
  // The inclusive upper bound of the bucket holding quantile q (0..1), at most max.
  std::uint64_t quantile_upper_bound(double q) const;
  void merge(const LatencyHistogram& o);
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
  LatencyHistogram& latency(std::string name, int scope = kGlobal);

  // Sum of a counter over all scopes (0 if never registered).
  std::uint64_t total(const std::string& name) const;
  std::uint64_t value(const std::string& name, int scope) const;
  const std::deque<CounterEntry>& counters() const { return counters_; }
  const std::deque<HistogramEntry>& histograms() const { return histograms_; }
  struct LatencyEntry {
    std::string name;
    int scope;
    LatencyHistogram histogram;
  };
  const std::deque<LatencyEntry>& latencies() const { return latencies_; }

 private:
  std::deque<CounterEntry> counters_;
  std::deque<HistogramEntry> histograms_;
  std::deque<LatencyEntry> latencies_;
};

}  // namespace allocsim::sim
