// A run's results: collected by execute(), written to HDF5 and read back,
// with every documented dataset present and typed, consistent with each
// other, deterministic, and unchanged by sampling.
#include <gtest/gtest.h>
#include <algorithm>

#include <filesystem>
#include <numeric>

#include "io/h5/file.hpp"
#include "io/results/atomic_output.hpp"
#include "io/results/results_file.hpp"
#include "io/run/execute.hpp"
#include "model/flavour.hpp"

namespace allocsim::io {
namespace {

namespace fs = std::filesystem;
using Type = h5::Column::Type;

// The default workload made small: one run takes a few tens of milliseconds.
Config small_config(std::vector<std::string> sets = {}) {
  sets.insert(sets.begin(), {"machine.cpus=4", "run.sample_interval=10us"});
  return load_config({}, sets);
}

// Issue 15, bug 3: on the default 2-node machine as i386, node 1 is all
// HIGHMEM. Its boot structures go to node 0's lowmem, and SLUB's per-node
// requests for it ignore the node (slab_nodes); this used to throw at boot,
// then loop forever in SLUB's node-mismatch path.
TEST(I386Numa, DefaultWorkloadRunsOnTwoNodesUnderEveryAllocator) {
  for (const char* flavour : {"linux-2.6", "linux-6"})
    for (const char* slab : {"slab", "slub", "slob"}) {
      SCOPED_TRACE(std::string(flavour) + " " + slab);
      const Config c = small_config({"machine.arch=i386", "workload.generator.duration=20us",
                                     std::string("kernel.flavour=") + flavour,
                                     std::string("kernel.slab=") + slab});
      const RunOutcome o = execute(c);
      EXPECT_TRUE(o.generator.has_value());
      EXPECT_GT(o.elapsed, 0u);
    }
}

fs::path temp_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("allocsim-results-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

const h5::Table& table(const std::vector<std::pair<std::string, h5::Table>>& ts,
                       const std::string& name) {
  for (const auto& [n, t] : ts)
    if (n == name) return t;
  throw std::runtime_error("no table " + name);
}

std::uint64_t u64(const h5::Table& t, const std::string& col, std::size_t row = 0) {
  const h5::Column* c = t.find(col);
  if (!c || c->type != Type::u64) throw std::runtime_error("no u64 column " + col);
  return c->u.at(row);
}

void expect_same_table(const h5::Table& a, const h5::Table& b, const std::string& what) {
  ASSERT_EQ(a.columns().size(), b.columns().size()) << what;
  for (std::size_t i = 0; i < a.columns().size(); ++i) {
    const h5::Column &x = a.columns()[i], &y = b.columns()[i];
    EXPECT_EQ(x.name, y.name) << what;
    EXPECT_EQ(x.type, y.type) << what << "." << x.name;
    EXPECT_EQ(x.unit, y.unit) << what << "." << x.name;
    EXPECT_EQ(x.u, y.u) << what << "." << x.name;
    EXPECT_EQ(x.i, y.i) << what << "." << x.name;
    EXPECT_EQ(x.s, y.s) << what << "." << x.name;
    EXPECT_EQ(x.f, y.f) << what << "." << x.name;
  }
}

TEST(Results, RoundTripHasEveryDocumentedDatasetTyped) {
  const fs::path dir = temp_dir("roundtrip");
  const Config c = small_config();
  ExecuteOptions eo;
  eo.name = "small";
  const RunOutcome o = execute(c, eo);
  const std::string path = (dir / "out.h5").string();
  write_results_file(path, {&o.results});

  h5::File f = h5::File::open(path, false);
  EXPECT_EQ(h5::attr_u64(f.id(), ".", "allocsim_results"), kResultsLayout);
  EXPECT_EQ(list_runs(f.id()), std::vector<std::string>{"small"});
  const RunResults r = read_run(f.id(), "small");
  EXPECT_EQ(r.info.config, c.resolved_yaml);
  EXPECT_EQ(r.info.seed, 1u);
  EXPECT_EQ(r.info.workload, "generator");
  EXPECT_FALSE(r.info.allocsim_version.empty());
  EXPECT_FALSE(r.info.start_time.empty());
  EXPECT_GT(r.info.wall_seconds, 0.0);

  // The summary: one row; identity, time, per-op latency and kernel columns, typed.
  ASSERT_EQ(r.summary.rows(), 1u);
  const std::pair<const char*, Type> summary[] = {{"workload", Type::str},
                                                  {"flavour", Type::str},
                                                  {"slab", Type::str},
                                                  {"cpus", Type::u64},
                                                  {"simulated_cycles", Type::u64},
                                                  {"simulated_ns", Type::f64},
                                                  {"kmalloc.ops", Type::u64},
                                                  {"kmalloc.mean_cycles", Type::f64},
                                                  {"kmalloc.p99_cycles", Type::u64},
                                                  {"free.p999_cycles", Type::u64},
                                                  {"ops", Type::u64},
                                                  {"ops_per_ms", Type::f64},
                                                  {"fingerprint", Type::u64},
                                                  {"l1d_miss_rate", Type::f64},
                                                  {"l2_miss_rate", Type::f64},
                                                  {"llc_miss_rate", Type::f64},
                                                  {"c2c_transfers", Type::u64},
                                                  {"remote_access_share", Type::f64},
                                                  {"lock_wait_cycles", Type::u64},
                                                  {"lock_wait_cycles.zone", Type::u64},
                                                  {"pcp_refills", Type::u64},
                                                  {"pcp_drains", Type::u64},
                                                  {"slab_objects_in_use", Type::u64},
                                                  {"slab_overhead", Type::f64},
                                                  {"unusable_index_order3", Type::f64},
                                                  {"extfrag_index_order9", Type::f64},
                                                  {"diagnostics", Type::u64}};
  for (const auto& [name, type] : summary) {
    const h5::Column* col = r.summary.find(name);
    ASSERT_NE(col, nullptr) << name;
    EXPECT_EQ(col->type, type) << name;
  }
  EXPECT_EQ(r.summary.find("cpus")->u[0], 4u);
  EXPECT_EQ(r.summary.find("slab")->s[0], "slub");
  EXPECT_EQ(r.summary.find("diagnostics")->u[0], 0u);
  EXPECT_EQ(u64(r.summary, "fingerprint"), o.generator->fingerprint);
  // Units survive the round trip.
  EXPECT_EQ(r.summary.find("simulated_cycles")->unit, "cycles");
  EXPECT_EQ(r.summary.find("simulated_ns")->unit, "ns");

  // Tables read back exactly as written.
  expect_same_table(r.summary, o.results.summary, "summary");
  expect_same_table(r.counters, o.results.counters, "counters");
  ASSERT_EQ(r.timeseries.size(), o.results.timeseries.size());
  for (const char* ts : {"free_pages", "zones", "pcp", "slab", "cpu_caches", "locks", "vmstat",
                         "memory", "workload"})
    expect_same_table(table(r.timeseries, ts), table(o.results.timeseries, ts), ts);
  for (const auto& [name, t] : o.results.latency)
    expect_same_table(table(r.latency, name), t, name);

  // Every /proc report, as text.
  std::vector<std::string> procs;
  for (const auto& [name, text] : r.proc) procs.push_back(name);
  EXPECT_EQ(procs,
            (std::vector<std::string>{"buddyinfo", "extfrag_index", "pagetypeinfo", "slabinfo",
                                      "unusable_index", "vmallocinfo", "vmstat", "zoneinfo"}));
  for (const auto& [name, text] : r.proc)
    if (name == "buddyinfo") {
      EXPECT_EQ(text.rfind("Node 0, zone", 0), 0u) << text;
    }
  fs::remove_all(dir);
}

TEST(Results, TimeseriesAreConsistentWithEachOther) {
  const RunOutcome o = execute(small_config());
  const h5::Table& fp = table(o.results.timeseries, "free_pages");
  const h5::Table& zones = table(o.results.timeseries, "zones");
  const h5::Table& vm = table(o.results.timeseries, "vmstat");
  const std::size_t samples = vm.rows();
  ASSERT_GE(samples, 3u);  // start, every 10us, end
  // One row per sample, populated zone and order.
  ASSERT_EQ(zones.rows() % samples, 0u);
  const std::size_t nzones = zones.rows() / samples;
  EXPECT_EQ(fp.rows(), samples * nzones * model::kNrOrders);
  // Per sample and zone: the pages of the free blocks add up to nr_free_pages.
  for (std::size_t z = 0; z < zones.rows(); ++z) {
    std::uint64_t pages = 0;
    for (unsigned o2 = 0; o2 < model::kNrOrders; ++o2) {
      const std::size_t row = z * model::kNrOrders + o2;
      ASSERT_EQ(fp.find("cycles")->u[row], zones.find("cycles")->u[z]);
      ASSERT_EQ(fp.find("zone")->s[row], zones.find("zone")->s[z]);
      EXPECT_EQ(fp.find("order")->u[row], o2);
      EXPECT_EQ(fp.find("free_pages")->u[row], fp.find("free_blocks")->u[row] << o2);
      pages += fp.find("free_pages")->u[row];
    }
    EXPECT_EQ(pages, zones.find("nr_free_pages")->u[z]) << "zone row " << z;
  }
  // Sample times ascend; the first is when the threads started.
  const auto& t = vm.find("cycles")->u;
  EXPECT_EQ(t.front(), o.generator->started);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  // Cumulative counters never go down.
  const auto& pgalloc = vm.find("pgalloc")->u;
  EXPECT_TRUE(std::is_sorted(pgalloc.begin(), pgalloc.end()));
  // The last workload sample counts every operation the generator did.
  const h5::Table& w = table(o.results.timeseries, "workload");
  std::uint64_t last_ops = 0;
  for (std::size_t i = 0; i < w.rows(); ++i)
    if (w.find("cycles")->u[i] == t.back()) last_ops += w.find("ops")->u[i];
  std::uint64_t ops = 0;
  for (const auto& k : o.generator->total) ops += k.ops;
  EXPECT_EQ(last_ops, ops);
}

// The default workload's fork_exit thread frees task_structs through RCU:
// the time series shows callbacks queued and completed, the gauge between
// them, and the end agrees with the summary and the generator's rcu_frees.
TEST(Results, RcuCountersAgreeWithTheGeneratorsRcuFrees) {
  const RunOutcome o = execute(small_config());
  const h5::Table& vm = table(o.results.timeseries, "vmstat");
  const auto& queued = vm.find("rcu_callbacks_queued")->u;
  const auto& completed = vm.find("rcu_callbacks_completed")->u;
  const auto& pending = vm.find("rcu_callbacks_pending")->u;
  for (std::size_t i = 0; i < vm.rows(); ++i) EXPECT_EQ(pending[i], queued[i] - completed[i]);
  EXPECT_TRUE(std::is_sorted(queued.begin(), queued.end()));
  EXPECT_TRUE(std::is_sorted(completed.begin(), completed.end()));
  EXPECT_GT(completed.back(), 0u);
  EXPECT_EQ(completed.back(), o.generator->rcu_frees);
  const h5::Table& s = o.results.summary;
  EXPECT_EQ(s.find("rcu_callbacks_completed")->u[0], o.generator->rcu_frees);
  EXPECT_EQ(s.find("rcu_callbacks_queued")->u[0], queued.back());
  EXPECT_EQ(s.find("rcu_slabs_freed")->u[0], 0u);  // no SLAB_TYPESAFE_BY_RCU cache
}

// linux-6.18 boots two caches with sheaves (maple_node, vm_area_struct): each
// sample has a slab_sheaves row per cache, with each CPU's empty main sheaf
// (a kmalloc-512 object) and each node's barn (kmalloc-64) counted; the
// summary sums the last sample and survives the round trip. linux-6 has
// neither the table nor the columns.
TEST(Results, SheafStatisticsReachTheTimeseriesAndTheSummary) {
  const fs::path dir = temp_dir("sheaves");
  const Config c = small_config({"kernel.flavour=linux-6.18"});
  ExecuteOptions eo;
  eo.name = "sheaves";
  const RunOutcome o = execute(c, eo);
  const h5::Table& sh = table(o.results.timeseries, "slab_sheaves");
  const std::size_t samples = table(o.results.timeseries, "vmstat").rows();
  ASSERT_EQ(sh.rows(), 2 * samples);
  const std::uint64_t cpus = c.machine.cpus, nodes = c.machine.nodes;
  std::uint64_t last_alloc = 0, last_bytes = 0;
  for (std::size_t i = 0; i < sh.rows(); ++i) {
    const std::string& name = sh.find("cache")->s[i];
    EXPECT_TRUE(name == "vm_area_struct" || name == "maple_node") << name;
    EXPECT_EQ(u64(sh, "sheaf_alloc", i), cpus) << name;
    EXPECT_EQ(u64(sh, "sheaf_bytes", i), cpus * 512 + nodes * 64) << name;
    if (i >= sh.rows() - 2) {
      last_alloc += u64(sh, "sheaf_alloc", i);
      last_bytes += u64(sh, "sheaf_bytes", i);
    }
  }
  const h5::Table& s = o.results.summary;
  EXPECT_EQ(u64(s, "sheaf_caches"), 2u);
  EXPECT_EQ(u64(s, "sheaf_alloc"), last_alloc);
  EXPECT_EQ(u64(s, "sheaf_bytes"), last_bytes);
  EXPECT_EQ(s.find("sheaf_bytes")->unit, "bytes");
  const std::string path = (dir / "out.h5").string();
  write_results_file(path, {&o.results});
  h5::File f = h5::File::open(path, false);
  const RunResults r = read_run(f.id(), "sheaves");
  expect_same_table(table(r.timeseries, "slab_sheaves"), sh, "slab_sheaves");
  expect_same_table(r.summary, s, "summary");
  fs::remove_all(dir);

  const RunOutcome old = execute(small_config({"kernel.flavour=linux-6"}));
  EXPECT_THROW(table(old.results.timeseries, "slab_sheaves"), std::runtime_error);
  EXPECT_EQ(old.results.summary.find("sheaf_caches"), nullptr);
}

TEST(Results, LatencyTablesAddUpToTheOperationCounts) {
  const RunOutcome o = execute(small_config());
  ASSERT_FALSE(o.results.latency.empty());
  for (const auto& [op, t] : o.results.latency) {
    const auto& counts = t.find("count")->u;
    const std::uint64_t n = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
    EXPECT_EQ(n, u64(o.results.summary, op + ".ops")) << op;
    for (std::size_t i = 0; i < t.rows(); ++i) {
      EXPECT_LE(t.find("lower_cycles")->u[i], t.find("upper_cycles")->u[i]);
      EXPECT_LT(t.find("cpu")->u[i], 4u);
    }
    // The p99 lies within the recorded range.
    EXPECT_LE(u64(o.results.summary, op + ".p99_cycles"),
              u64(o.results.summary, op + ".max_cycles"));
  }
  // Per-kind totals match the generator's own.
  const auto& total = o.generator->total;
  EXPECT_EQ(u64(o.results.summary, "kmalloc.ops"),
            total[static_cast<std::size_t>(workloads::gen::OpKind::kmalloc)].ops);
}

TEST(Results, EventsRecordEveryOperationOrASample) {
  const RunOutcome all = execute(small_config({"run.events=10000000"}));
  const h5::Table& ev = all.results.events;
  std::uint64_t ops = 0, cycles = 0;
  for (const auto& k : all.generator->total) ops += k.ops, cycles += k.cycles;
  ASSERT_EQ(ev.rows(), ops);
  const auto& lat = ev.find("latency_cycles")->u;
  EXPECT_EQ(std::accumulate(lat.begin(), lat.end(), std::uint64_t{0}), cycles);
  EXPECT_EQ(u64(all.results.summary, "op_cycles"), cycles);
  // Recording them changes nothing.
  const RunOutcome none = execute(small_config());
  EXPECT_TRUE(none.results.events.columns().empty());
  EXPECT_EQ(none.generator->fingerprint, all.generator->fingerprint);
  // Bounded and sampled: one in three, at most 50.
  const RunOutcome some = execute(small_config({"run.events=50", "run.event_every=3"}));
  ASSERT_EQ(some.results.events.rows(), 50u);
  EXPECT_EQ(some.results.events.find("op")->s[1], ev.find("op")->s[3]);
  EXPECT_EQ(some.results.events.find("cycles")->u[2], ev.find("cycles")->u[6]);
}

TEST(Results, SamplingDoesNotChangeTheSimulation) {
  const RunOutcome a = execute(small_config({"run.sample_interval=none"}));
  const RunOutcome b = execute(small_config({"run.sample_interval=1us"}));
  EXPECT_EQ(a.generator->fingerprint, b.generator->fingerprint);
  EXPECT_EQ(a.generator->elapsed, b.generator->elapsed);
  EXPECT_EQ(table(a.results.timeseries, "vmstat").rows(), 2u);  // start and end
  EXPECT_GT(table(b.results.timeseries, "vmstat").rows(), 100u);
  expect_same_table(a.results.counters, b.results.counters, "counters");
}

TEST(Results, MaxSamplesDoublesTheInterval) {
  const RunOutcome o = execute(small_config({"run.sample_interval=1us", "run.max_samples=20"}));
  const auto& t = table(o.results.timeseries, "vmstat").find("cycles")->u;
  ASSERT_GT(t.size(), 25u);
  const std::uint64_t us = 2500;  // 1us at the default 2.5 GHz
  EXPECT_EQ(t[2] - t[1], us);
  EXPECT_EQ(t[22] - t[21], 2 * us);  // after 20 samples
  EXPECT_EQ(t[42] - t[41], 4 * us);  // after 40
  // Far fewer samples than one per microsecond.
  const std::uint64_t run_us = (o.generator->elapsed - o.generator->started) / us;
  EXPECT_LT(t.size() * 4, run_us);
}

TEST(Results, SameConfigAndSeedGiveIdenticalTables) {
  const RunOutcome a = execute(small_config());
  const RunOutcome b = execute(small_config());
  expect_same_table(a.results.summary, b.results.summary, "summary");
  expect_same_table(a.results.counters, b.results.counters, "counters");
  for (const auto& [name, t] : a.results.timeseries)
    expect_same_table(t, table(b.results.timeseries, name), name);
  const RunOutcome c = execute(load_config({}, {"machine.cpus=4", "run.sample_interval=10us"}, 2));
  EXPECT_NE(u64(a.results.summary, "fingerprint"), u64(c.results.summary, "fingerprint"));
}

TEST(Results, ExerciseAndReplayRunsWriteTheirTables) {
  const RunOutcome e = execute(load_config(
      {}, {"workload.kind=exercise", "machine.cpus=2", "workload.exercise.ops_per_cpu=200"}));
  EXPECT_EQ(e.results.info.workload, "exercise");
  const h5::Table& ex = table(e.results.tables, "exercise");
  EXPECT_EQ(ex.rows(), e.exercise.size());
  EXPECT_EQ(ex.find("pattern")->s.at(0), std::string(workloads::to_string(e.exercise[0].pattern)));

  const std::string trace =
      std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/traces/raw-6.x-pS.ftrace.txt";
  const RunOutcome r = execute(load_config({}, {"workload.trace=" + trace}));
  EXPECT_EQ(r.results.info.workload, "trace");
  EXPECT_EQ(u64(r.results.summary, "events"), r.replay->events);
  // tables/replay is streamed to a temporary file and copied into the
  // results file: a row per allocation (failed ones too) and per free that ran.
  ASSERT_EQ(r.results.streamed.size(), 1u);
  const fs::path dir = temp_dir("replay");
  const std::string path = (dir / "out.h5").string();
  write_results_file(path, {&r.results});
  h5::File f = h5::File::open(path, false);
  EXPECT_TRUE(table(read_run(f.id(), "run").tables, "replay_accuracy").rows() > 0);
  EXPECT_THROW(table(read_run(f.id(), "run").tables, "replay"), std::runtime_error);
  const RunResults back = read_run(f.id(), "run", true);
  const h5::Table& rows = table(back.tables, "replay");
  EXPECT_EQ(rows.rows(), r.replay->allocations + r.replay->failures + r.replay->frees);
  const h5::Column* latency = rows.find("latency_cycles");
  ASSERT_NE(latency, nullptr);
  EXPECT_GT(*std::min_element(latency->u.begin(), latency->u.end()), 0u);
}

TEST(AtomicOutput, AppearsOnlyOnCommit) {
  const fs::path dir = temp_dir("atomic");
  const std::string target = (dir / "x.h5").string();
  {
    AtomicOutput out(target, false);
    EXPECT_TRUE(fs::exists(out.temp_path()));
    EXPECT_EQ(fs::path(out.temp_path()).parent_path(), dir);
    EXPECT_FALSE(fs::exists(target));
  }  // not committed: the temporary file is gone, nothing under the final name
  EXPECT_TRUE(fs::is_empty(dir));
  {
    AtomicOutput out(target, false);
    write_results_file(out.temp_path(), {});
    out.commit();
  }
  EXPECT_TRUE(fs::exists(target));
  EXPECT_THROW(AtomicOutput(target, false), OutputError);  // exists, no --force
  EXPECT_NO_THROW(AtomicOutput(target, true));
  EXPECT_THROW(AtomicOutput((dir / "missing" / "x.h5").string(), false), OutputError);
  EXPECT_THROW(AtomicOutput(dir.string(), true), OutputError);  // a directory
  fs::remove_all(dir);
}

TEST(ResultsFile, RejectsDuplicateRunsAndBadNames) {
  const fs::path dir = temp_dir("dup");
  RunResults r;
  r.info.name = "a";
  r.summary.set("x", std::uint64_t{1}, "1");
  r.counters.add("name", Type::str, "");
  const std::string path = (dir / "d.h5").string();
  EXPECT_THROW(write_results_file(path, {&r, &r}), h5::H5Error);
  EXPECT_EQ(run_name_problem("a/b"), "a run name cannot contain '/'");
  EXPECT_NE(run_name_problem("."), "");
  EXPECT_EQ(run_name_problem("kernel.slab=slub,machine.cpus=4"), "");
  fs::remove_all(dir);
}

TEST(ResultsFile, IncompleteRunsAreNotListed) {
  const fs::path dir = temp_dir("incomplete");
  const std::string path = (dir / "i.h5").string();
  {
    h5::File f = h5::File::create(path);
    h5::create_groups(f.id(), "runs/cut");  // a run whose writer died: no "complete"
    f.close();
  }
  h5::File f = h5::File::open(path, false);
  EXPECT_TRUE(list_runs(f.id()).empty());
  EXPECT_EQ(list_runs(f.id(), true), std::vector<std::string>{"cut"});
  EXPECT_FALSE(run_complete(f.id(), "cut"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace allocsim::io
