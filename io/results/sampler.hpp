#pragma once
// The timeseries of a run: every run.sample_interval of simulated time, a
// machine-wide engine event reads the kernel's and the hardware's state into
// the timeseries/* tables (docs/results.md). Reading charges nothing and
// changes no state. Samples past run.max_samples double the interval, so a
// long run keeps a bounded file. The sampler stops re-arming when nothing
// else is queued, so it never keeps a finished run alive. The rows go into
// spooled tables (io/h5/spooled_table.hpp), so a large machine's timeseries
// does not stay in host memory.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/h5/spooled_table.hpp"
#include "io/h5/table.hpp"
#include "io/results/stat_columns.hpp"
#include "model/kernel.hpp"
#include "sim/event_queue.hpp"
#include "sim/memory.hpp"
#include "sim/memory_system.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::io {

// The timeseries tables' declarations, in file order: first the time
// columns every table starts with (named "timeseries/*"), then each table.
std::vector<TableSchema> timeseries_schema();
// The events table's (run.events).
TableSchema events_schema();

// Read by another host thread for progress reports.
struct ProgressCell {
  std::atomic<double> fraction{0.0};
  std::atomic<std::uint64_t> cycles{0};
};

// The timeseries tables by name ("pcp"), in file order.
using SpooledTables = std::vector<std::pair<std::string, std::shared_ptr<h5::SpooledTable>>>;

class Sampler final : public sim::EventHandler, public workloads::gen::RunHooks {
 public:
  // Without `keep_rows` it samples only for the progress report (no output to write).
  Sampler(model::Kernel& kernel, std::uint64_t interval, std::uint64_t max_samples,
          ProgressCell* progress = nullptr, bool keep_rows = true);
  // Keeps one operation in every `every`, at most `max` (run.events, run.event_every).
  void keep_events(std::uint64_t max, std::uint64_t every);

  // RunHooks: samples the start and arms the timer.
  void started(sim::Cycles at, const workloads::gen::RunProgress& progress) override;
  void on_event(sim::Cycles time, std::uint64_t arg) override;
  bool wants_ops() const override { return events_max_ > 0; }
  void op(sim::CpuId cpu, workloads::gen::OpKind kind, sim::Cycles start,
          sim::Cycles cycles) override;
  // The events table (no columns when events were not kept).
  h5::Table take_events() { return std::move(events_); }
  // The last sample, at the end of the run (unless one was taken at or after `at`).
  void finish(sim::Cycles at);
  // A sample now, whatever was sampled before (trace replay: before and after).
  void snapshot(sim::Cycles at) { sample(at); }

  std::uint64_t samples() const { return samples_; }
  SpooledTables take_tables();

 private:
  void sample(sim::Cycles at);
  void sample_zones(sim::Cycles at);
  void sample_slab(sim::Cycles at);
  void sample_hardware(sim::Cycles at);
  void sample_vm(sim::Cycles at);
  // The statistics sample_hardware reads, looked up once (by name each time,
  // a sample cost O(CPUs^2)), again only if the registry has grown since.
  void resolve_stats();

  model::Kernel& k_;
  sim::Machine& m_;
  std::uint64_t interval_;
  std::uint64_t max_samples_;
  ProgressCell* progress_;
  const workloads::gen::RunProgress* run_progress_ = nullptr;
  std::uint64_t samples_ = 0;
  sim::Cycles last_ = 0;
  bool sampled_any_ = false;
  std::uint64_t events_max_ = 0, events_every_ = 1, ops_seen_ = 0;
  h5::Table events_;
  bool keep_rows_;
  std::shared_ptr<h5::SpooledTable> free_pages_, zones_, pcp_, slab_, slab_sheaves_, cpu_caches_,
      locks_, vmstat_, memory_, workload_;

  struct OpLatencies {
    std::string_view op;
    std::vector<const sim::LatencyHistogram*> histograms;  // one per CPU
  };
  std::size_t resolved_counters_ = ~std::size_t{0}, resolved_latencies_ = 0;  // none yet
  sim::Counter absent_;                             // what a counter without an instance reads (0)
  std::vector<sim::CacheCounters> cpu_counters_;    // per CPU
  std::vector<const sim::Counter*> kswapd_cycles_;  // per CPU: kswapd.cycles
  model::VmallocPurgeCounters vmalloc_purges_{};    // global
  std::vector<sim::MemoryCounters> node_counters_;  // per node
  std::vector<OpLatencies> op_latencies_;           // one per workload row
};

}  // namespace allocsim::io
