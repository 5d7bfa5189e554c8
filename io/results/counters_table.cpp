#include "io/results/counters_table.hpp"

#include "io/results/stat_tree.hpp"
#include "model/page_alloc.hpp"
#include "model/vmalloc.hpp"
#include "model/zone_type.hpp"
#include "sim/machine.hpp"

namespace allocsim::io {

namespace {

constexpr std::string_view kVmPrefix = "vm.";
constexpr std::string_view kZonePrefix = "zone.<ZONE>.";

std::string_view scope_text(sim::StatScope s) {
  return s == sim::StatScope::cpu ? "CPU" : s == sim::StatScope::node ? "node" : "-1";
}

template <class T, std::size_t N>
void add_registry_rows(std::vector<CounterRows>& out, std::string_view component,
                       const std::array<sim::CounterField<T>, N>& fields) {
  for (const auto& f : fields)
    out.push_back(
        {std::string(f.decl.stat.name), scope_text(f.decl.scope), component, f.decl.stat});
}

}  // namespace

h5::Table empty_counters_table() {
  h5::Table t;
  t.add("name", h5::Column::Type::str, "");
  t.add("scope", h5::Column::Type::i64, "1");
  t.add("value", h5::Column::Type::u64, "1");
  return t;
}

h5::Table counters_table(model::Kernel& kernel) {
  h5::Table t = empty_counters_table();
  for (const auto& e : kernel.machine().stats().counters())
    t.append_row(e.name, e.scope, e.counter.value);
  const model::VmEvents& ev = kernel.pages().events();
  for (const auto& f : model::VmEvents::kFields)
    t.append_row(std::string(kVmPrefix) + std::string(f.stat.name), std::int64_t{-1}, ev.*f.member);
  std::int64_t zi = 0;  // the zone's index in the machine (node-major)
  for (const model::Zone& z : kernel.pages().zones()) {
    const std::string zone(model::zone_name(z.type));
    for (const auto& f : model::ZoneCounters::kFields)
      t.append_row(sim::instance_name(kZonePrefix, zone) + std::string(f.stat.name), zi,
                   z.counters.*f.member);
    ++zi;
  }
  return t;
}

std::vector<CounterRows> counters_schema() {
  std::vector<CounterRows> out;
  add_registry_rows(out, tree::kMemory, sim::kMemoryCounters);
  out.push_back({std::string(sim::kChannelAccesses.stat.name), "node", tree::kMemory,
                 sim::kChannelAccesses.stat});
  add_registry_rows(out, tree::kCaches, sim::kCacheCounters);
  add_registry_rows(out, tree::kLocks, sim::kLockCounters);
  out.push_back({std::string(model::kKswapdCpuCycles.stat.name), "CPU", tree::kPageAlloc,
                 model::kKswapdCpuCycles.stat});
  add_registry_rows(out, tree::kVmalloc, model::kVmallocPurgeCounters);
  for (const auto& f : model::VmEvents::kFields)
    out.push_back(
        {std::string(kVmPrefix) + std::string(f.stat.name), "-1", tree::kVmEvents, f.stat});
  for (const auto& f : model::ZoneCounters::kFields)
    out.push_back(
        {std::string(kZonePrefix) + std::string(f.stat.name), "zone", tree::kZone, f.stat});
  return out;
}

}  // namespace allocsim::io
