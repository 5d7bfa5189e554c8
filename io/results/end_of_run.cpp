#include "io/results/end_of_run.hpp"

#include <algorithm>
#include <string_view>

#include "io/results/stat_tree.hpp"
#include "workloads/generator/generator_stats.hpp"

namespace allocsim::io {

namespace {

using Type = h5::Column::Type;

struct Bucket {
  int cpu;
  const sim::LatencyHistogram& h;
  unsigned b;
};

const TableSpec<Bucket>& latency_spec() {
  static const TableSpec<Bucket> spec{
      "latency/<op>",
      "one row per CPU and non-empty bucket, by CPU, then by bucket",
      {key_column<Bucket>("cpu", Type::u64, "1", "the CPU that did the units",
                          [](const Bucket& r) -> CellValue { return std::uint64_t(r.cpu); }),
       key_column<Bucket>(
           "lower_cycles", Type::u64, "cycles", "the bucket's smallest value",
           [](const Bucket& r) -> CellValue { return sim::LatencyHistogram::lower_bound(r.b); }),
       key_column<Bucket>(
           "upper_cycles", Type::u64, "cycles",
           "its largest value (inclusive); equal to lower_cycles below 32",
           [](const Bucket& r) -> CellValue { return sim::LatencyHistogram::upper_bound(r.b); }),
       stat_column<Bucket>(Type::u64, tree::kOps,
                           {"count", "1", "units whose cost fell in the bucket",
                            "the buckets of workload.<op>.cycles (sim::LatencyHistogram)"},
                           [](const Bucket& r) -> CellValue { return r.h.buckets[r.b]; })}};
  return spec;
}

}  // namespace

std::vector<std::pair<std::string, h5::Table>> latency_tables(const sim::StatsRegistry& st) {
  const TableSpec<Bucket>& spec = latency_spec();
  std::vector<std::pair<std::string, h5::Table>> out;
  for (const auto& e : st.latencies()) {
    std::string_view op;
    if (!sim::matches(workloads::gen::kOpLatency.stat.name, e.name, &op)) continue;
    // One table per op, whatever order its CPUs' histograms were registered in
    // (a replay registers them CPU by CPU).
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == op; });
    if (it == out.end()) {
      h5::Table t;
      declare_columns(t, spec.columns);
      out.emplace_back(std::string(op), std::move(t));
      it = out.end() - 1;
    }
    for (unsigned b = 0; b < sim::LatencyHistogram::kBuckets; ++b)
      if (e.histogram.buckets[b]) push_row(it->second, spec.columns, {e.scope, e.histogram, b});
  }
  // Only the operations that ran.
  std::erase_if(out, [](const auto& p) { return p.second.rows() == 0; });
  return out;
}

TableSchema latency_schema() {
  return schema_of(latency_spec());
}

std::vector<std::pair<std::string, std::string>> proc_reports(const model::Kernel& kernel) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view name : model::Kernel::proc_names())
    out.emplace_back(std::string(name), kernel.proc(name));
  return out;
}

}  // namespace allocsim::io
