#pragma once
// The replay engine. One fiber per simulated CPU runs the events of the
// trace CPUs folded onto it (trace CPU modulo the machine's CPUs) in trace
// order, timed open loop or back to back (options.hpp), so lock and cache
// contention between CPUs arise as in generated workloads. Events are read
// as a stream by whichever CPU needs its next one: each is bound to its
// allocation's slot at once (object_map.hpp) and queued on its CPU
// (backlog.hpp). A free whose allocation has not finished on another CPU
// waits for it in simulated time.
#include <array>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "model/kernel.hpp"
#include "sim/stats.hpp"
#include "workloads/replay/backlog.hpp"
#include "workloads/replay/object_map.hpp"
#include "workloads/replay/result.hpp"
#include "workloads/trace/event_source.hpp"

namespace allocsim::workloads::replaying {

class Replayer final : public gen::RunProgress {
 public:
  Replayer(trace::EventSource& source, model::Kernel& kernel, const ReplayOptions& options);
  ReplayResult run();
  double fraction(sim::Cycles) const override { return source_.fraction(); }

 private:
  struct Item {
    trace::TraceEvent ev;
    SlotId slot;
    bool implied = false;  // a free the trace did not show (no row, no latency sample)
  };
  struct CpuState {
    explicit CpuState(std::size_t limit) : backlog(limit) {}
    Backlog<Item> backlog;
    bool dormant = true;  // no event yet: blocked until its first one is read
    bool blocked = false, kicked = false;
    std::array<sim::LatencyHistogram*, kRunKinds.size()> latency{};
    char call_site[20] = {};  // a numeric call site's text, while its row is written
  };
  // A kmem cache the trace allocates from, created at its first allocation.
  struct CacheEntry {
    model::KmemCache* cache = nullptr;
    bool creating = false, impossible = false;
    std::vector<sim::CpuId> waiters;  // CPUs waiting while another creates it
  };

  // Wakes a dormant CPU (blocked until its first event) for kernel work that
  // is due and not deferrable (sim/work_queue.hpp), as the generator's runner does.
  struct WorkKick final : sim::IdleKick, sim::EventHandler {
    explicit WorkKick(Replayer& r) : replayer(r) {}
    void kick(sim::CpuId cpu, sim::Cycles at) override;
    bool idle(sim::CpuId cpu) const override;
    void on_event(sim::Cycles time, std::uint64_t cpu) override;
    Replayer& replayer;
  };

  void cpu_loop(sim::Cpu& cpu);
  bool next_item(sim::Cpu& cpu, Item& it);
  void read_for(sim::Cpu& cpu);
  // Open loop: reads on until the last event read is due after cpu's clock.
  void read_due(sim::Cpu& cpu);
  // Binds and queues one event read from the source; returns when it is due.
  sim::Cycles dispatch(const trace::TraceEvent& e, sim::Cpu* reader);
  sim::CpuId cpu_of(const trace::TraceEvent& e) const;  // the simulated CPU of a traced one
  void count_traced(const trace::TraceEvent& e);
  void end_of_source(sim::Cpu& reader);
  void push(sim::CpuId cpu, const Item& it);
  sim::Cycles due(const trace::TraceEvent& e) const;

  void execute(sim::Cpu& cpu, const Item& it);
  bool alloc_object(sim::Cpu& cpu, const Item& it, ReplayRow& row);
  bool free_object(sim::Cpu& cpu, const Item& it, ReplayRow& row);
  bool alloc_pages(sim::Cpu& cpu, const Item& it, ReplayRow& row);
  bool free_pages(sim::Cpu& cpu, const Item& it, ReplayRow& row);
  // `addr` for an object, `pfn` for a page block.
  void allocation_done(sim::Cpu& cpu, SlotId id, sim::VirtAddr addr, model::Pfn pfn, bool ok,
                       unsigned order);
  void wait_for_allocation(sim::Cpu& cpu, SlotId id, ReplayRow& row);
  model::KmemCache* cache_for(sim::Cpu& cpu, const trace::TraceEvent& e);
  model::Gfp gfp_of(const trace::TraceEvent& e);
  int node_of(const trace::TraceEvent& e) const;
  TracepointTotals model_totals() const;

  trace::EventSource& source_;
  model::Kernel& k_;
  sim::Machine& m_;
  ReplayOptions opt_;
  ReplayResult r_;
  ObjectMap map_;
  std::deque<CpuState> cpus_;
  std::uint64_t held_ = 0;  // events in memory in every backlog
  bool done_ = false;       // the source has no more events
  bool have_t0_ = false;
  std::uint64_t t0_ = 0;      // the first event's timestamp
  sim::Cycles last_due_ = 0;  // when the last event read is due
  sim::Cycles start_ = 0;
  double cycles_per_ns_ = 1.0;
  sim::Cycles horizon_ = 0;  // open loop: how far an idle CPU reads ahead of its clock
  model::Gfp gfp_kernel_{};
  std::vector<std::int64_t> gfp_by_text_;  // gfp_text id -> Gfp bits; -1 unknown, -2 unreadable
  std::deque<CacheEntry> caches_;
  std::vector<std::int32_t> cache_by_name_;  // name id -> index in caches_, -1 none
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::size_t> cache_by_site_;  // (site, size)
  TracepointTotals model_before_;
  WorkKick work_kick_{*this};
};

}  // namespace allocsim::workloads::replaying
