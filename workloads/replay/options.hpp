#pragma once
// How a replay runs: its timing, where each replayed event's row goes, and
// the seams a recording plugs into (hooks.hpp).
#include <cstdint>
#include <string_view>

#include "sim/types.hpp"
#include "workloads/generator/run.hpp"
#include "workloads/replay/hooks.hpp"
#include "workloads/replay/timing.hpp"
#include "workloads/trace/event.hpp"

namespace allocsim::workloads {

// One replayed event: the traced values and what the model made of it.
struct ReplayRow {
  std::uint64_t ts_ns = 0;  // traced timestamp
  std::uint64_t ptr = 0;    // traced pointer (objects), 0 for pages
  std::uint64_t pfn = 0;    // traced first pfn (pages), 0 for objects
  std::uint64_t bytes_req = 0, traced_bytes_alloc = 0, simulated_bytes_alloc = 0;
  sim::Cycles start = 0;    // simulated time the call began
  sim::Cycles latency = 0;  // cycles it took
  sim::Cycles wait = 0;     // cycles a free waited for its allocation on another CPU
  std::uint32_t line = 0;   // in the trace file
  std::int16_t trace_cpu = -1;
  std::uint16_t cpu = 0;  // the simulated CPU
  std::uint8_t order = 0;
  trace::EventKind kind = trace::EventKind::other;
  // Valid while the sink's row() runs: the traced call site as printed
  // (allocations), and the migratetype name the model takes for the gfp
  // flags (page allocations).
  std::string_view call_site, migratetype;
};

class ReplayRowSink {
 public:
  virtual ~ReplayRowSink() = default;
  virtual void row(const ReplayRow& r) = 0;
};

struct ReplayOptions {
  ReplayTiming timing = ReplayTiming::open_loop;
  double time_scale = 1.0;  // open loop: simulated ns per traced ns
  // Every replayed event's row (null: none). It is called from the CPUs as
  // events finish, so rows come in simulated-time order per CPU, not trace order.
  ReplayRowSink* rows = nullptr;
  // Events read ahead and held in memory for all CPUs together; more wait in
  // a temporary file.
  std::size_t backlog_events = std::size_t{1} << 18;
  // The recording's seams (null: the defaults of hooks.hpp).
  replaying::WarmStart* warm_start = nullptr;
  const replaying::CacheCatalogue* caches = nullptr;
  replaying::PageEventClassifier* pages = nullptr;
  // Told when the first event may start (the results sampler arms there).
  gen::RunHooks* run_hooks = nullptr;
};

}  // namespace allocsim::workloads
