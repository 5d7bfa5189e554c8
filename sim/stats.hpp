#pragma once
// Named counters and log2 latency histograms. Components register what they
// count once, at construction, from its declaration; the hot path only increments.
#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/stat_decl.hpp"

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
// Statistics are registered from their declarations (sim/stat_decl.hpp), at
// construction of the components that count them, and only until freeze():
// a run's tables then have the same statistics in every sample. Looking up a
// name nobody declared throws, so a renamed counter cannot silently read 0.
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
  struct LatencyEntry {
    std::string name;
    int scope;
    LatencyHistogram histogram;
  };

  // Makes a statistic known without registering it: a declared counter with
  // no instance in this run (cache counters with timing off) reads 0.
  void declare(const RegistryDecl& d);
  template <class T, std::size_t N>
  void declare(const std::array<CounterField<T>, N>& fields) {
    for (const CounterField<T>& f : fields) declare(f.decl);
  }

  // Registers (and declares) one instance; `param` fills a family's placeholder.
  // Throws std::logic_error when frozen, for a name registered twice in one
  // scope, or a scope that does not fit the declaration.
  Counter& counter(const RegistryDecl& d, int scope = kGlobal, std::string_view param = {});
  Histogram& histogram(const RegistryDecl& d, int scope = kGlobal, std::string_view param = {});
  LatencyHistogram& latency(const RegistryDecl& d, int scope = kGlobal,
                            std::string_view param = {});
  // Registers every counter of a struct of counter pointers, in declaration order.
  template <class T, std::size_t N>
  void register_counters(T& out, const std::array<CounterField<T>, N>& fields, int scope,
                         std::string_view param = {}) {
    for (const CounterField<T>& f : fields) out.*f.member = &counter(f.decl, scope, param);
  }

  // An instance a component will register on first use, perhaps after the
  // freeze (a lock class whose lock a lazy init makes): declared at setup, so
  // it is no new statistic when it appears. Lookups read 0 until then.
  void expect(const RegistryDecl& d, std::string_view param);
  template <class T, std::size_t N>
  void expect(const std::array<CounterField<T>, N>& fields, std::string_view param) {
    for (const CounterField<T>& f : fields) expect(f.decl, param);
  }

  // The run has begun: registering anything not expected is a
  // std::logic_error from now on.
  void freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }

  // Sum of a counter over all scopes; 0 for a declared counter without
  // instances; std::out_of_range (naming it) for a name never declared.
  std::uint64_t total(std::string_view name) const;
  // One scope's value; 0 if the counter is declared but that scope has none.
  std::uint64_t value(std::string_view name, int scope) const;
  // Whether `name` is a declared counter (or a member of a declared family).
  bool declared(std::string_view name) const;

  // Each scope's instances of the counters `fields` declares, found in one
  // pass over the registry (value() searches it for each): out[s].*member is
  // scope s's counter, or `absent` (which reads 0) if s has none. Readers
  // that sample every scope resolve them once, after freeze().
  template <class T, std::size_t N>
  std::vector<T> instances(const std::array<CounterField<T>, N>& fields, std::size_t scopes,
                           Counter& absent) {
    std::vector<T> out(scopes);
    for (T& t : out)
      for (const CounterField<T>& f : fields) t.*f.member = &absent;
    for (CounterEntry& e : counters_) {
      if (e.scope < 0 || static_cast<std::size_t>(e.scope) >= scopes) continue;
      for (const CounterField<T>& f : fields)
        if (e.name == f.decl.stat.name)
          out[static_cast<std::size_t>(e.scope)].*f.member = &e.counter;
    }
    return out;
  }

  const std::deque<CounterEntry>& counters() const { return counters_; }
  const std::deque<HistogramEntry>& histograms() const { return histograms_; }
  const std::deque<LatencyEntry>& latencies() const { return latencies_; }
  const std::vector<RegistryDecl>& declarations() const { return declarations_; }

 private:
  std::string check_registration(const RegistryDecl& d, int scope, std::string_view param);

  std::vector<RegistryDecl> declarations_;
  std::vector<std::pair<StatKind, std::string>> expected_;
  std::deque<CounterEntry> counters_;
  std::deque<HistogramEntry> histograms_;
  std::deque<LatencyEntry> latencies_;
  bool frozen_ = false;
};

}  // namespace allocsim::sim
