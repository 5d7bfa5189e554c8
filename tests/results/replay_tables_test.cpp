// What a trace replay writes for allocsim report --kmem: each replayed
// allocation's call site, pointer and the CPU and line that freed it, and
// one row per mm_page_alloc with its order and migratetype; and every table
// of a run is an HDF5 dimension scale of its own rows (for netCDF readers).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/h5/file.hpp"
#include "io/results/results_file.hpp"
#include "io/run/execute.hpp"

namespace allocsim::io {
namespace {

namespace fs = std::filesystem;

// Lines 2-9: a kmalloc freed on the other CPU, a kmem_cache_alloc freed on
// its own, a kmalloc never freed, a page pair freed elsewhere, a failed page
// allocation and a movable order-0 page.
constexpr const char* kTrace = R"(# tracer: nop
  a-1 [000] 1.000001: kmalloc: call_site=ffffffff81000010 ptr=ffff880000001000 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL
  a-1 [001] 1.000002: kmem_cache_alloc: call_site=ffffffff81000020 ptr=ffff880000002000 bytes_req=40 bytes_alloc=40 gfp_flags=GFP_KERNEL
  a-1 [001] 1.000003: kfree: call_site=ffffffff81000030 ptr=ffff880000001000
  a-1 [001] 1.000004: kmem_cache_free: call_site=ffffffff81000040 ptr=ffff880000002000
  a-1 [000] 1.000005: kmalloc: call_site=ffffffff81000010 ptr=ffff880000003000 bytes_req=20 bytes_alloc=32 gfp_flags=GFP_KERNEL
  a-1 [000] 1.000006: mm_page_alloc: page=ffffea0000000040 pfn=4097 order=1 migratetype=0 gfp_flags=GFP_KERNEL
  a-1 [001] 1.000007: mm_page_free_direct: page=ffffea0000000040 pfn=4097 order=1
  a-1 [001] 1.000008: mm_page_alloc: page=(null) pfn=0 order=3 migratetype=0 gfp_flags=GFP_ATOMIC
  a-1 [001] 1.000009: mm_page_alloc: page=ffffea0000000080 pfn=4100 order=0 migratetype=2 gfp_flags=GFP_HIGHUSER_MOVABLE
)";

struct Replayed {
  fs::path trace;
  RunOutcome out;
  Replayed() {
    trace = fs::temp_directory_path() / ("replay-tables-" + std::to_string(::getpid()) + ".txt");
    std::ofstream(trace) << kTrace;
    out = execute(load_config(
        {}, {"machine.cpus=2", "kernel.flavour=linux-2.6", "workload.trace=" + trace.string()}));
  }
  ~Replayed() { fs::remove(trace); }
  const h5::Table& table(const std::string& name) const {
    for (const auto& [n, t] : out.results.tables)
      if (n == name) return t;
    throw std::runtime_error("no table " + name);
  }
};

const h5::Column& col(const h5::Table& t, const std::string& name) {
  const h5::Column* c = t.find(name);
  if (!c) throw std::runtime_error("no column " + name);
  return *c;
}

TEST(ReplayTables, AllocationsKnowTheirCallSiteAndWhereTheyWereFreed) {
  const Replayed r;
  const h5::Table& t = r.table("replay");
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ(col(t, "line").u, (std::vector<std::uint64_t>{2, 3, 6}));
  EXPECT_EQ(
      col(t, "call_site").s,
      (std::vector<std::string>{"0xffffffff81000010", "0xffffffff81000020", "0xffffffff81000010"}));
  EXPECT_EQ(col(t, "ptr").u, (std::vector<std::uint64_t>{0xffff880000001000, 0xffff880000002000,
                                                         0xffff880000003000}));
  EXPECT_EQ(col(t, "cpu").u, (std::vector<std::uint64_t>{0, 1, 0}));
  EXPECT_EQ(col(t, "free_cpu").i, (std::vector<std::int64_t>{1, 1, -1}));
  EXPECT_EQ(col(t, "free_line").u, (std::vector<std::uint64_t>{4, 5, 0}));
  // The columns the table had before these came first are still first.
  EXPECT_EQ(t.columns().front().name, "line");
  EXPECT_EQ(t.columns()[5].name, "simulated_bytes_alloc");
}

TEST(ReplayTables, PageAllocationsHaveOrderMigratetypeAndFree) {
  const Replayed r;
  const h5::Table& t = r.table("replay_pages");
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ(col(t, "line").u, (std::vector<std::uint64_t>{7, 9, 10}));
  EXPECT_EQ(col(t, "order").u, (std::vector<std::uint64_t>{1, 3, 0}));
  EXPECT_EQ(col(t, "failed").u, (std::vector<std::uint64_t>{0, 1, 0}));
  // Named from the gfp flags as linux-2.6 numbers them; the trace's number kept beside.
  EXPECT_EQ(col(t, "migratetype").s,
            (std::vector<std::string>{"Unmovable", "Unmovable", "Movable"}));
  EXPECT_EQ(col(t, "traced_migratetype").i, (std::vector<std::int64_t>{0, 0, 2}));
  EXPECT_EQ(col(t, "gfp_flags").s,
            (std::vector<std::string>{"GFP_KERNEL", "GFP_ATOMIC", "GFP_HIGHUSER_MOVABLE"}));
  EXPECT_EQ(col(t, "free_cpu").i, (std::vector<std::int64_t>{1, -1, -1}));
  EXPECT_EQ(col(t, "free_line").u, (std::vector<std::uint64_t>{8, 0, 0}));
}

TEST(ReplayTables, EveryTableIsADimensionScaleOfItsRows) {
  const Replayed r;
  const fs::path path = r.trace.string() + ".h5";
  RunResults results = r.out.results;
  results.info.name = "replayed";
  write_results_file(path.string(), {&results});
  h5::File f = h5::File::open(path.string(), false);
  for (const std::string group : {"timeseries", "tables", "latency"})
    for (const std::string& name : h5::list(f.id(), "runs/replayed/" + group)) {
      const std::string at = "runs/replayed/" + group + "/" + name;
      EXPECT_EQ(h5::attr_string(f.id(), at, "CLASS"), "DIMENSION_SCALE") << at;
      EXPECT_EQ(h5::attr_string(f.id(), at, "NAME"), name) << at;
    }
  for (const std::string at : {"runs/replayed/summary", "runs/replayed/counters"})
    EXPECT_TRUE(h5::has_attr(f.id(), at, "CLASS")) << at;
  f.close();
  fs::remove(path);
}

}  // namespace
}  // namespace allocsim::io
