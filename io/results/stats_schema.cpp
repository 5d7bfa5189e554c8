#include "io/results/stats_schema.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/results/counters_table.hpp"
#include "io/results/end_of_run.hpp"
#include "io/results/sampler.hpp"
#include "io/results/summary.hpp"
#include "io/results/workload_tables.hpp"
#include "model/object_allocator.hpp"
#include "model/page_alloc.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/generator_stats.hpp"
#include "workloads/replay.hpp"
#include "workloads/replay/accuracy.hpp"

namespace allocsim::io {

namespace {

class Builder {
 public:
  StatEntry& entry(std::string_view component, const sim::StatDecl& stat, std::string_view type) {
    for (StatEntry& e : entries_)
      if (e.component == component && e.stat.name == stat.name) {
        if (e.type != type || e.stat.unit != stat.unit)
          throw std::logic_error("statistic " + std::string(component) + "/" +
                                 std::string(stat.name) + " is declared with two types or units");
        return e;
      }
    if (std::none_of(tree::kNodes.begin(), tree::kNodes.end(),
                     [&](const tree::Node& n) { return n.path == component; }))
      throw std::logic_error("statistic " + std::string(stat.name) + ": no tree node '" +
                             std::string(component) + "'");
    return entries_.emplace_back(StatEntry{component, stat, type, {}});
  }
  template <class T, std::size_t N>
  void fields(std::string_view component, const std::array<sim::FieldDecl<T>, N>& fields) {
    for (const auto& f : fields) entry(component, f.stat, "u64");
  }
  template <class T, std::size_t N>
  void counters(std::string_view component, const std::array<sim::CounterField<T>, N>& fields) {
    for (const auto& f : fields) registry(component, f.decl);
  }
  void registry(std::string_view component, const sim::RegistryDecl& d) {
    entry(component, d.stat, d.kind == sim::StatKind::counter ? "u64" : "histogram");
  }
  void columns(const TableSchema& t, StatPlace::Kind kind, std::string_view prefix) {
    for (const ColumnDecl& c : t.columns)
      if (!c.component.empty())
        entry(c.component, c.stat, h5::type_name(c.type))
            .places.push_back({kind, std::string(prefix) + c.name});
  }
  std::vector<StatEntry> take() {
    auto rank = [](std::string_view c) {
      return std::find_if(tree::kNodes.begin(), tree::kNodes.end(),
                          [&](const tree::Node& n) { return n.path == c; }) -
             tree::kNodes.begin();
    };
    std::stable_sort(entries_.begin(), entries_.end(), [&](const auto& a, const auto& b) {
      return rank(a.component) < rank(b.component);
    });
    return std::move(entries_);
  }

 private:
  std::vector<StatEntry> entries_;
};

}  // namespace

std::string_view to_string(StatPlace::Kind kind) {
  switch (kind) {
    case StatPlace::Kind::summary:
      return "summary";
    case StatPlace::Kind::counters:
      return "counters";
    case StatPlace::Kind::timeseries:
      return "timeseries";
    case StatPlace::Kind::tables:
      return "tables";
  }
  return "";
}

std::vector<TableSchema> results_tables_schema() {
  std::vector<TableSchema> out = summary_schema();
  for (TableSchema& t : timeseries_schema()) out.push_back(std::move(t));
  out.push_back(latency_schema());
  for (TableSchema& t : workload_tables_schema()) out.push_back(std::move(t));
  out.push_back(events_schema());
  return out;
}

std::vector<StatEntry> stats_schema() {
  Builder b;
  // What the components count, whether or not a results table shows it.
  b.fields(tree::kGenerator, workloads::gen::kGeneratorCounters);
  b.fields(tree::kGenerator, workloads::gen::kGeneratorRun);
  b.registry(tree::kOps, workloads::gen::kOpLatency);
  b.fields(tree::kReplay, workloads::kReplayCounters);
  b.fields(tree::kReplayAccuracy, workloads::replaying::kAccuracySummary);
  b.fields(tree::kReplay, workloads::kTraceCounters);
  b.counters(tree::kCaches, sim::kCacheCounters);
  b.registry(tree::kCaches, sim::kAccessLatency);
  b.counters(tree::kMemory, sim::kMemoryCounters);
  b.registry(tree::kMemory, sim::kChannelAccesses);
  b.counters(tree::kLocks, sim::kLockCounters);
  b.registry(tree::kLocks, sim::kLockWait);
  b.fields(tree::kZone, model::ZoneCounters::kFields);
  b.fields(tree::kVmEvents, model::VmEvents::kFields);
  b.fields(tree::kSlab, model::CacheReapEvents::kFields);
  b.fields(tree::kSlabCache, model::KmemCacheStats::kFields);
  b.fields(tree::kSlabSheaves, model::SheafStats::kFields);
  // Where the results files show them.
  for (const TableSchema& t : summary_schema()) b.columns(t, StatPlace::Kind::summary, "");
  for (const CounterRows& r : counters_schema())
    b.entry(r.component, r.stat, "u64").places.push_back({StatPlace::Kind::counters, r.name});
  for (const TableSchema& t : timeseries_schema())
    b.columns(t, StatPlace::Kind::timeseries, t.name.substr(t.name.find('/') + 1) + ".");
  b.columns(latency_schema(), StatPlace::Kind::tables, latency_schema().name + ".");
  b.columns(events_schema(), StatPlace::Kind::tables, events_schema().name + ".");
  for (const TableSchema& t : workload_tables_schema())
    b.columns(t, StatPlace::Kind::tables, t.name + ".");
  return b.take();
}

}  // namespace allocsim::io
