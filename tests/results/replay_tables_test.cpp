// What a trace replay writes for allocsim report --kmem, in tables/replay
// (streamed to the results file): each replayed allocation's call site and
// pointer, each page allocation's order and migratetype, and the frees that
// match them; and every table of a run, the streamed one included, is an
// HDF5 dimension scale of its own rows (for netCDF readers).
#include <gtest/gtest.h>

#include <algorithm>
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
  fs::path trace, h5;
  RunOutcome out;
  RunResults back;  // read back from the results file, tables/replay included
  Replayed() {
    trace = fs::temp_directory_path() / ("replay-tables-" + std::to_string(::getpid()) + ".txt");
    h5 = trace.string() + ".h5";
    std::ofstream(trace) << kTrace;
    out = execute(load_config(
        {}, {"machine.cpus=2", "kernel.flavour=linux-2.6", "workload.trace=" + trace.string()}));
    out.results.info.name = "replayed";
    write_results_file(h5.string(), {&out.results});
    h5::File f = h5::File::open(h5.string(), false);
    back = read_run(f.id(), "replayed", true);
  }
  ~Replayed() {
    fs::remove(trace);
    fs::remove(h5);
  }
  // tables/replay's rows of `events`, in trace order.
  std::vector<std::size_t> rows(std::initializer_list<std::string_view> events) const {
    const h5::Table& t = table("replay");
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.rows(); ++i)
      for (std::string_view e : events)
        if (t.find("event")->s[i] == e) out.push_back(i);
    std::sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
      return t.find("line")->u[a] < t.find("line")->u[b];
    });
    return out;
  }
  const h5::Table& table(const std::string& name) const {
    for (const auto& [n, t] : back.tables)
      if (n == name) return t;
    throw std::runtime_error("no table " + name);
  }
};

const h5::Column& col(const h5::Table& t, const std::string& name) {
  const h5::Column* c = t.find(name);
  if (!c) throw std::runtime_error("no column " + name);
  return *c;
}

template <class T>
std::vector<T> pick(const std::vector<T>& v, const std::vector<std::size_t>& rows) {
  std::vector<T> out;
  for (std::size_t i : rows) out.push_back(v[i]);
  return out;
}

TEST(ReplayTables, AllocationsKnowTheirCallSiteAndTheirFrees) {
  const Replayed r;
  const h5::Table& t = r.table("replay");
  const std::vector<std::size_t> allocs = r.rows({"kmalloc", "kmem_cache_alloc"});
  EXPECT_EQ(pick(col(t, "line").u, allocs), (std::vector<std::uint64_t>{2, 3, 6}));
  EXPECT_EQ(
      pick(col(t, "call_site").s, allocs),
      (std::vector<std::string>{"0xffffffff81000010", "0xffffffff81000020", "0xffffffff81000010"}));
  EXPECT_EQ(
      pick(col(t, "ptr").u, allocs),
      (std::vector<std::uint64_t>{0xffff880000001000, 0xffff880000002000, 0xffff880000003000}));
  EXPECT_EQ(pick(col(t, "cpu").u, allocs), (std::vector<std::uint64_t>{0, 1, 0}));
  // The two frees, on CPU 1, with the pointers of the first two.
  const std::vector<std::size_t> frees = r.rows({"kfree", "kmem_cache_free"});
  EXPECT_EQ(pick(col(t, "line").u, frees), (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(pick(col(t, "ptr").u, frees),
            (std::vector<std::uint64_t>{0xffff880000001000, 0xffff880000002000}));
  EXPECT_EQ(pick(col(t, "cpu").u, frees), (std::vector<std::uint64_t>{1, 1}));
}

TEST(ReplayTables, PageAllocationsHaveOrderMigratetypeAndFree) {
  const Replayed r;
  const h5::Table& t = r.table("replay");
  // The failed one (line 9) is not replayed: it is counted in the summary.
  const std::vector<std::size_t> pages = r.rows({"mm_page_alloc"});
  EXPECT_EQ(pick(col(t, "line").u, pages), (std::vector<std::uint64_t>{7, 10}));
  EXPECT_EQ(pick(col(t, "order").u, pages), (std::vector<std::uint64_t>{1, 0}));
  EXPECT_EQ(col(r.out.results.summary, "traced_page_failures").u.at(0), 1u);
  // Named from the gfp flags as linux-2.6 numbers them.
  EXPECT_EQ(pick(col(t, "migratetype").s, pages),
            (std::vector<std::string>{"Unmovable", "Movable"}));
  const std::vector<std::size_t> frees = r.rows({"mm_page_free_direct"});
  EXPECT_EQ(pick(col(t, "pfn").u, frees), (std::vector<std::uint64_t>{4097}));
  EXPECT_EQ(pick(col(t, "cpu").u, frees), (std::vector<std::uint64_t>{1}));
}

TEST(ReplayTables, EveryTableIsADimensionScaleOfItsRows) {
  const Replayed r;
  h5::File f = h5::File::open(r.h5.string(), false);
  for (const std::string group : {"timeseries", "tables", "latency"})
    for (const std::string& name : h5::list(f.id(), "runs/replayed/" + group)) {
      const std::string at = "runs/replayed/" + group + "/" + name;
      EXPECT_EQ(h5::attr_string(f.id(), at, "CLASS"), "DIMENSION_SCALE") << at;
      EXPECT_EQ(h5::attr_string(f.id(), at, "NAME"), name) << at;
    }
  EXPECT_TRUE(h5::exists(f.id(), "runs/replayed/tables/replay"));
  for (const std::string at : {"runs/replayed/summary", "runs/replayed/counters"})
    EXPECT_TRUE(h5::has_attr(f.id(), at, "CLASS")) << at;
  f.close();
}

}  // namespace
}  // namespace allocsim::io
