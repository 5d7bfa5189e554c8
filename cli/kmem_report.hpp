#pragma once
// allocsim report --kmem: a replayed trace summarised as `perf kmem stat`
// (--caller and --page) would: bytes requested and allocated, internal
// fragmentation per call site, cross-CPU frees, and page allocations per
// order and migratetype, from the run's tables/replay (a row per replayed
// event; each allocation matched with its free by pointer or pfn, in trace
// order) and the summary's traced_page_failures.
#include "io/results/run_results.hpp"

namespace allocsim::cli {

// Prints the summary; throws UsageError for a run that is not a trace replay.
void print_kmem(const io::RunResults& run, std::size_t call_sites);

}  // namespace allocsim::cli
