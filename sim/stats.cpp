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

namespace {

std::string_view scope_word(StatScope s) {
  return s == StatScope::cpu ? "a CPU" : s == StatScope::node ? "a node" : "the machine";
}

template <class Entries>
bool has_entry(const Entries& entries, const std::string& name, int scope) {
  for (const auto& e : entries)
    if (e.scope == scope && e.name == name) return true;
  return false;
}

}  // namespace

std::string instance_name(std::string_view pattern, std::string_view value) {
  const std::size_t open = pattern.find('<');
  const std::size_t close = pattern.find('>', open);
  if (open == std::string_view::npos || close == std::string_view::npos)
    return std::string(pattern);
  std::string out(pattern.substr(0, open));
  out += value;
  out += pattern.substr(close + 1);
  return out;
}

bool matches(std::string_view pattern, std::string_view name, std::string_view* value) {
  const std::size_t open = pattern.find('<');
  const std::size_t close = pattern.find('>', open);
  if (open == std::string_view::npos || close == std::string_view::npos) {
    if (value) *value = {};
    return pattern == name;
  }
  const std::string_view head = pattern.substr(0, open), tail = pattern.substr(close + 1);
  if (name.size() <= head.size() + tail.size() || !name.starts_with(head) || !name.ends_with(tail))
    return false;
  if (value) *value = name.substr(head.size(), name.size() - head.size() - tail.size());
  return true;
}

void StatsRegistry::declare(const RegistryDecl& d) {
  for (const RegistryDecl& k : declarations_)
    if (k.stat.name == d.stat.name && k.kind == d.kind) return;
  declarations_.push_back(d);
}

void StatsRegistry::expect(const RegistryDecl& d, std::string_view param) {
  if (frozen_)
    throw std::logic_error("statistic '" + instance_name(d.stat.name, param) +
                           "' expected after the statistics were frozen (the run has begun)");
  declare(d);
  expected_.emplace_back(d.kind, instance_name(d.stat.name, param));
}

std::string StatsRegistry::check_registration(const RegistryDecl& d, int scope,
                                              std::string_view param) {
  std::string name = instance_name(d.stat.name, param);
  if (frozen_ &&
      std::find(expected_.begin(), expected_.end(), std::pair{d.kind, name}) == expected_.end())
    throw std::logic_error("statistic '" + name +
                           "' registered after the statistics were frozen (the run has begun)");
  if ((d.scope == StatScope::global) != (scope == kGlobal))
    throw std::logic_error("statistic '" + name + "' belongs to " +
                           std::string(scope_word(d.scope)) + ", registered with scope " +
                           std::to_string(scope));
  declare(d);
  return name;
}

Counter& StatsRegistry::counter(const RegistryDecl& d, int scope, std::string_view param) {
  std::string name = check_registration(d, scope, param);
  if (has_entry(counters_, name, scope))
    throw std::logic_error("counter registered twice: " + name);
  counters_.push_back({std::move(name), scope, {}});
  return counters_.back().counter;
}

Histogram& StatsRegistry::histogram(const RegistryDecl& d, int scope, std::string_view param) {
  std::string name = check_registration(d, scope, param);
  if (has_entry(histograms_, name, scope))
    throw std::logic_error("histogram registered twice: " + name);
  histograms_.push_back({std::move(name), scope, {}});
  return histograms_.back().histogram;
}

LatencyHistogram& StatsRegistry::latency(const RegistryDecl& d, int scope, std::string_view param) {
  std::string name = check_registration(d, scope, param);
  if (has_entry(latencies_, name, scope))
    throw std::logic_error("latency histogram registered twice: " + name);
  latencies_.push_back({std::move(name), scope, {}});
  return latencies_.back().histogram;
}

bool StatsRegistry::declared(std::string_view name) const {
  for (const RegistryDecl& d : declarations_)
    if (d.kind == StatKind::counter && matches(d.stat.name, name)) return true;
  return false;
}

std::uint64_t StatsRegistry::total(std::string_view name) const {
  std::uint64_t sum = 0;
  bool found = false;
  for (const auto& e : counters_)
    if (e.name == name) sum += e.counter.value, found = true;
  if (!found && !declared(name))
    throw std::out_of_range("no statistic named '" + std::string(name) + "' is declared");
  return sum;
}

std::uint64_t StatsRegistry::value(std::string_view name, int scope) const {
  for (const auto& e : counters_)
    if (e.scope == scope && e.name == name) return e.counter.value;
  if (!declared(name))
    throw std::out_of_range("no statistic named '" + std::string(name) + "' is declared");
  return 0;
}

}  // namespace allocsim::sim
