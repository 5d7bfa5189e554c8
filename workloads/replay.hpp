#pragma once
// Trace replay: a kmem trace (a file read as a stream, or a Trace in memory)
// driven through the simulated kernel, one fiber per simulated CPU, in time
// (workloads/replay/: the engine, its options and its result). For every
// allocation the model's bytes_alloc is recorded beside the traced one; for
// every replayed event its simulated start and latency.
#include <array>

#include "model/kernel.hpp"
#include "sim/stat_decl.hpp"
#include "workloads/replay/options.hpp"
#include "workloads/replay/result.hpp"
#include "workloads/trace/event_source.hpp"

namespace allocsim::workloads {

// The trace reader's line counts a replay reports.
inline constexpr std::array<sim::FieldDecl<trace::TraceStats>, 2> kTraceCounters{{
    {{"lines", "1", "lines read from the trace", "the trace reader (workloads/trace/)"},
     &trace::TraceStats::lines},
    {{"bad_lines", "1", "malformed lines skipped (workload.skip_bad_lines)",
      "the trace reader (workloads/trace/)"},
     &trace::TraceStats::bad_lines},
}};

// Replays `source` on `kernel`, whose machine must not be running.
ReplayResult replay(trace::EventSource& source, model::Kernel& kernel,
                    const ReplayOptions& opt = {});
// The same for a trace in memory; without opt.rows, every row goes into
// ReplayResult::table.
ReplayResult replay(const trace::Trace& t, model::Kernel& kernel, const ReplayOptions& opt = {});

}  // namespace allocsim::workloads
