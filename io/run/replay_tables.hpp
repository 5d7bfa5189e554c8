#pragma once
// What a trace replay writes besides the bytes_alloc comparison, so that
// `allocsim report --kmem` can summarise a trace as `perf kmem stat` does
// (tools/perf/builtin-kmem.c): the replay table's allocations gain their call
// site, pointer and where the trace freed them, and `replay_pages` lists the
// trace's page allocations with their order and migratetype. Every value is
// read from the trace; CPUs are the simulated ones (trace CPU mod the
// machine's CPUs), as in the replay table's `cpu`.
#include "io/h5/table.hpp"
#include "model/flavour.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::io {

// Adds call_site, ptr, free_cpu and free_line to `rows`, the replay table
// with one row per entry of `r.table`, in order.
void add_trace_columns(const workloads::trace::Trace& t, const workloads::ReplayResult& r,
                       unsigned cpus, h5::Table& rows);

// One row per mm_page_alloc event of the trace, in trace order: line, cpu,
// pfn, order, gfp_flags, migratetype (the name of the one `flavour` takes
// for those flags), traced_migratetype, failed, free_cpu, free_line.
h5::Table page_allocation_table(const workloads::trace::Trace& t, model::Flavour flavour,
                                unsigned cpus);

}  // namespace allocsim::io
