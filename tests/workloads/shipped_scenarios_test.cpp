// The scenario workloads shipped in workloads/*.yaml: each loads, runs to the
// end without allocator diagnostics, does exactly the operations its params
// define, and shows its signature (remote frees, kswapd, mempool reserve,
// slab colouring). Runs are shortened with --set style overrides.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim {
namespace {

namespace gen = workloads::gen;
using gen::OpKind;

std::string scenario(const std::string& name) {
  return std::string(ALLOCSIM_SOURCE_DIR) + "/workloads/" + name + ".yaml";
}

// One generator run of a shipped file, with what the checks need afterwards.
struct Scenario {
  io::Config config;
  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<model::Kernel> kernel;
  gen::GeneratorResult r;
  double host_seconds = 0;

  Scenario(const std::string& name, const std::vector<std::string>& sets,
           model::AllocObserver* observer = nullptr)
      : config(io::load_config({scenario(name)}, sets)) {
    machine = std::make_unique<sim::Machine>(config.machine, config.run.seed);
    kernel = std::make_unique<model::Kernel>(*machine, config.kernel);
    if (observer) kernel->slab().set_observer(observer);
    const auto start = std::chrono::steady_clock::now();
    r = gen::run_generator(config.generator, *kernel);
    host_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ %s ] host %.3f s, simulated %.3f ms\n", name.c_str(), host_seconds,
                static_cast<double>(r.elapsed) / (config.machine.ghz * 1e6));
  }

  std::size_t thread(const std::string& name) const {
    for (std::size_t t = 0; t < config.generator.threads.size(); ++t)
      if (config.generator.threads[t].name == name) return t;
    ADD_FAILURE() << "no thread " << name;
    return 0;
  }
  std::uint64_t instances(const std::string& name) const {
    return config.generator.threads[thread(name)].cpus.size();
  }
  const gen::OpTotals& op(const std::string& name, OpKind k) const {
    return r.by_thread[thread(name)][static_cast<std::size_t>(k)];
  }
  const gen::OpTotals& total(OpKind k) const { return r.total[static_cast<std::size_t>(k)]; }
  // The page allocator's lists and counters still agree after the run.
  std::string page_allocator_broken() const {
    try {
      kernel->pages().check_invariants();
    } catch (const std::logic_error& e) {
      return e.what();
    }
    return {};
  }
  std::uint64_t failures() const {
    std::uint64_t n = 0;
    for (const gen::OpTotals& t : r.total) n += t.failures;
    return n;
  }
};

// Counts the object allocator's kmem_cache_alloc events of one cache.
struct CacheAllocCounter final : model::AllocObserver {
  std::string cache;
  std::uint64_t allocs = 0;
  explicit CacheAllocCounter(std::string c) : cache(std::move(c)) {}
  void on_event(const model::AllocEvent& e) override {
    if (e.kind == model::AllocEvent::Kind::kmem_cache_alloc && e.cache == cache) ++allocs;
  }
};

// --- fork-exit -------------------------------------------------------------

TEST(ShippedScenarios, ForkExitWithVmallocStacks) {
  Scenario run("fork-exit", {"workload.generator.params.forks=40"});
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t forks = run.instances("forker") * 40;
  ASSERT_EQ(run.instances("forker"), 8u);  // cpus: all on the default machine
  const std::uint64_t vmas = 16, pt_pages = 4;
  EXPECT_EQ(run.op("forker", OpKind::kmem_cache_alloc).ops, forks * (4 + vmas));
  EXPECT_EQ(run.op("forker", OpKind::vmalloc).ops, forks);
  EXPECT_EQ(run.op("forker", OpKind::alloc_pages).ops, forks * pt_pages);
  EXPECT_EQ(run.op("forker", OpKind::compute).ops, forks);
  EXPECT_EQ(run.failures(), 0u);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
  // Every object of a fork has a lifetime; exits run on random CPUs.
  const std::uint64_t objects = forks * (4 + vmas + 1 + pt_pages);
  EXPECT_EQ(r.lifetime_frees + r.rcu_frees + r.pending_at_end, objects);
  EXPECT_EQ(run.op("forker", OpKind::free).ops + r.pending_at_end, objects);
  EXPECT_GT(r.remote_frees, r.lifetime_frees / 2);
  EXPECT_EQ(r.live_at_end, r.pending_at_end);
}

TEST(ShippedScenarios, ForkExitWithPageStacks) {
  Scenario run("fork-exit",
               {"workload.generator.params.forks=40", "workload.generator.params.stacks=pages"});
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t forks = run.instances("forker") * 40;
  EXPECT_EQ(run.op("forker", OpKind::kmem_cache_alloc).ops, forks * (4 + 16));
  EXPECT_EQ(run.op("forker", OpKind::alloc_pages).ops, forks * (4 + 1));  // + the stack
  EXPECT_EQ(run.total(OpKind::vmalloc).ops, 0u);
  EXPECT_EQ(run.failures(), 0u);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
  EXPECT_GT(r.remote_frees, 0u);
}

TEST(ShippedScenarios, ForkExitOnI386WithEightKiBStacks) {
  const std::string i386 = std::string(ALLOCSIM_SOURCE_DIR) + "/configs/i386-highmem.yaml";
  io::Config c =
      io::load_config({i386, scenario("fork-exit")}, {"workload.generator.params.forks=20",
                                                      "workload.generator.params.stacks=pages",
                                                      "workload.generator.params.stack_order=1"});
  sim::Machine machine(c.machine, c.run.seed);
  model::Kernel kernel(machine, c.kernel);
  const std::uint64_t pgalloc_before = kernel.pages().events().pgalloc;
  const gen::GeneratorResult r = gen::run_generator(c.generator, kernel);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_NO_THROW(kernel.pages().check_invariants());
  const std::size_t forker = 0;
  ASSERT_EQ(c.generator.threads[forker].name, "forker");
  const std::uint64_t forks = 2 * 20;  // two CPUs
  EXPECT_EQ(r.by_thread[forker][static_cast<std::size_t>(OpKind::alloc_pages)].ops, forks * 5);
  // At least the page tables and the 2-page stacks came from the page allocator.
  EXPECT_GE(kernel.pages().events().pgalloc - pgalloc_before, forks * (4 + 2));
}

// --- network-rx ------------------------------------------------------------

TEST(ShippedScenarios, NetworkRxPassesPacketsToReadersOnOtherCpus) {
  Scenario run("network-rx", {"workload.generator.params.packets=300"});
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t readers = run.instances("reader");
  ASSERT_EQ(readers, 2u);
  ASSERT_EQ(run.instances("rx_irq"), 2u);
  for (sim::CpuId rx : run.config.generator.threads[run.thread("rx_irq")].cpus)
    for (sim::CpuId rd : run.config.generator.threads[run.thread("reader")].cpus) EXPECT_NE(rx, rd);
  ASSERT_GT(r.irq_arrivals, 0u);
  EXPECT_EQ(run.op("rx_irq", OpKind::kmem_cache_alloc).ops, r.irq_arrivals);
  EXPECT_EQ(run.op("rx_irq", OpKind::kmalloc).ops, r.irq_arrivals);
  EXPECT_EQ(r.passed, 2 * r.irq_arrivals);
  // Each reader freed exactly its packets (head and data), on its own CPU.
  EXPECT_EQ(run.op("reader", OpKind::free).ops, 2 * readers * 300);
  EXPECT_EQ(run.op("rx_irq", OpKind::free).ops, 0u);
  EXPECT_EQ(r.live_at_end, 2 * r.irq_arrivals - 2 * readers * 300);
  EXPECT_EQ(r.empty_pool, 0u);
  EXPECT_EQ(run.failures(), 0u);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
}

TEST(ShippedScenarios, NetworkRxLifetimeFreesOnApplicationCpus) {
  Scenario run("network-rx", {"workload.generator.params.packets=300",
                              "workload.generator.params.free=lifetime"});
  const gen::GeneratorResult& r = run.r;
  ASSERT_GT(r.irq_arrivals, 0u);
  EXPECT_EQ(run.op("rx_irq", OpKind::kmem_cache_alloc).ops, r.irq_arrivals);
  EXPECT_EQ(run.op("rx_irq", OpKind::kmalloc).ops, r.irq_arrivals);
  EXPECT_EQ(r.lifetime_frees + r.pending_at_end, 2 * r.irq_arrivals);
  EXPECT_GT(r.lifetime_frees, 0u);
  EXPECT_EQ(r.remote_frees, r.lifetime_frees);  // app_cpus has no irq CPU
  EXPECT_EQ(r.passed, 0u);
  EXPECT_EQ(run.failures(), 0u);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
}

// --- fs-scan ---------------------------------------------------------------

TEST(ShippedScenarios, FsScanAccumulatesDentriesAndInodes) {
  Scenario run("fs-scan", {"workload.generator.params.files=1000"});
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t scanners = run.instances("scanner");
  ASSERT_EQ(scanners, 4u);
  EXPECT_EQ(run.op("scanner", OpKind::kmem_cache_alloc).ops, scanners * 1000 * 2);
  EXPECT_EQ(run.op("scanner", OpKind::touch).ops, scanners * 1000 * 2 * 2);
  EXPECT_EQ(run.op("scanner", OpKind::compute).ops, scanners * 1000 * 2);
  const std::uint64_t names = run.op("scanner", OpKind::kmalloc).ops;
  EXPECT_GT(names, 0u);
  EXPECT_LT(names, scanners * 1000);
  EXPECT_EQ(r.evictions, 0u);  // keep is larger than files: everything accumulates
  EXPECT_EQ(run.total(OpKind::free).ops, 0u);
  EXPECT_EQ(r.live_at_end, scanners * 1000 * 2 + names);
  EXPECT_EQ(r.empty_pool, 0u);
  EXPECT_EQ(run.failures(), 0u);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
}

TEST(ShippedScenarios, FsScanWithSmallKeepEvictsTheOldest) {
  Scenario run("fs-scan",
               {"workload.generator.params.files=1000", "workload.generator.params.keep=50"});
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t scanners = run.instances("scanner");
  const std::uint64_t names = run.op("scanner", OpKind::kmalloc).ops;
  ASSERT_GT(names, scanners * 50);  // about 100 per scanner
  // Dentries and inodes beyond 50 per scanner, and names beyond 50.
  EXPECT_EQ(r.evictions, scanners * 2 * (1000 - 50) + (names - scanners * 50));
  EXPECT_EQ(r.live_at_end, scanners * 3 * 50);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
}

// --- page-cache-churn ------------------------------------------------------

TEST(ShippedScenarios, PageCacheChurnWakesKswapd) {
  Scenario run("page-cache-churn", {"workload.generator.params.iterations=1400"});
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t readers = run.instances("reader"), workers = run.instances("worker");
  EXPECT_EQ(run.op("reader", OpKind::page_cache).ops, readers * 1400 * 8);
  EXPECT_EQ(run.op("reader", OpKind::page_cache).failures, 0u);
  EXPECT_GE(run.op("reader", OpKind::kmem_cache_alloc).ops, readers * 1400 * 8);
  EXPECT_EQ(run.op("worker", OpKind::alloc_pages).ops, workers * 1400);
  EXPECT_EQ(run.op("worker", OpKind::kmalloc).ops, workers * 1400 * 4);
  EXPECT_EQ(r.evictions, workers * (1400 - 1024));  // anon_pages 1024
  EXPECT_EQ(run.failures(), 0u);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
  // The page cache outgrew memory (2 x 64 MiB): kswapd ran and reclaimed.
  const model::VmEvents& ev = run.kernel->pages().events();
  EXPECT_GT(readers * 1400 * 8, 32768u);
  EXPECT_GT(ev.kswapd_runs, 0u);
  EXPECT_GT(ev.pgsteal_kswapd, 0u);
  // With the default watermarks, allocations also reclaim directly while
  // kswapd runs; the free lists stay intact (page_allocator_broken above: the
  // regression of reclaim's once-shared scratch list).
  EXPECT_GT(ev.pgsteal_direct, 0u);
  std::printf(
      "  kswapd wakeups %llu runs %llu pgsteal_kswapd %llu pgsteal_direct %llu "
      "allocstall %llu\n",
      static_cast<unsigned long long>(ev.kswapd_wakeups),
      static_cast<unsigned long long>(ev.kswapd_runs),
      static_cast<unsigned long long>(ev.pgsteal_kswapd),
      static_cast<unsigned long long>(ev.pgsteal_direct),
      static_cast<unsigned long long>(ev.allocstall));
}

// --- mempool-driver --------------------------------------------------------

TEST(ShippedScenarios, MempoolDriverUsesTheReserveUnderPressure) {
  CacheAllocCounter bios("bio-152");
  Scenario run("mempool-driver",
               {"workload.generator.params.warm=100", "workload.generator.params.writes=300",
                "workload.generator.params.reads=600"},
               &bios);
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t writers = run.instances("writer"), readers = run.instances("reader");
  ASSERT_EQ(writers, 2u);
  ASSERT_EQ(readers, 1u);
  const std::uint64_t writes = writers * (100 + 300), reads = readers * (100 + 600);
  EXPECT_EQ(run.op("writer", OpKind::mempool_alloc).ops, writes * (1 + 4));
  EXPECT_EQ(run.op("reader", OpKind::mempool_alloc).ops, reads);
  EXPECT_EQ(run.total(OpKind::mempool_alloc).failures, 0u);
  EXPECT_EQ(run.op("writer", OpKind::free).ops, writes * (1 + 4));  // all completed
  EXPECT_EQ(run.op("reader", OpKind::free).ops, reads);
  // The hog ran the machine out of memory, then gave it all back.
  EXPECT_EQ(run.op("hog", OpKind::alloc_pages).ops, 33000u);
  EXPECT_GT(run.op("hog", OpKind::alloc_pages).failures, 0u);
  EXPECT_EQ(run.op("hog", OpKind::free).ops, 33000u - run.op("hog", OpKind::alloc_pages).failures);
  EXPECT_EQ(r.live_at_end, 0u);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
  const std::uint64_t bio_allocs = writes + reads;
  // bio_pool: the allocator saw its min_nr fill plus every element it gave;
  // the other mempool_alloc calls were served from the reserve.
  const std::uint64_t reserve = 64;
  ASSERT_GE(bios.allocs, reserve);
  ASSERT_LE(bios.allocs - reserve, bio_allocs);
  const std::uint64_t bio_from_reserve = bio_allocs - (bios.allocs - reserve);
  EXPECT_GT(bio_from_reserve, 0u);
  // page_pool: its first tries (no reclaim, no I/O) failed in the page allocator.
  const model::Flavour f = run.config.kernel.flavour;
  model::Gfp first = model::parse_gfp(f, "GFP_NOIO|__GFP_NOMEMALLOC|__GFP_NORETRY|__GFP_NOWARN");
  first.bits &=
      ~(model::parse_gfp(f, "__GFP_DIRECT_RECLAIM").bits | model::parse_gfp(f, "__GFP_IO").bits);
  std::uint64_t first_try_failures = 0;
  for (const model::AllocFailure& a : run.kernel->pages().failures())
    first_try_failures += a.order == 0 && a.gfp.bits == first.bits;
  EXPECT_GT(first_try_failures, 0u);
  std::printf(
      "  bio_pool: %llu of %llu bios from the reserve; page_pool first-try failures "
      "recorded %llu\n",
      static_cast<unsigned long long>(bio_from_reserve),
      static_cast<unsigned long long>(bio_allocs),
      static_cast<unsigned long long>(first_try_failures));
}

// --- module-load -----------------------------------------------------------

TEST(ShippedScenarios, ModuleLoadVmallocsAndUnloads) {
  Scenario run("module-load",
               {"workload.generator.params.modules=6", "workload.generator.params.resident=4"});
  const gen::GeneratorResult& r = run.r;
  const std::uint64_t loaders = run.instances("loader");
  ASSERT_EQ(loaders, 8u);
  const std::uint64_t loads = loaders * 6;
  EXPECT_EQ(run.op("loader", OpKind::vmalloc).ops, loads * 3);
  EXPECT_EQ(run.op("loader", OpKind::vmalloc).failures, 0u);
  EXPECT_EQ(run.op("loader", OpKind::touch).ops, loads * 3);
  EXPECT_EQ(r.evictions, loaders * (6 - 4));  // rmmod
  // Images and init sections are freed by their lifetimes (or still pending).
  EXPECT_EQ(r.lifetime_frees + r.rcu_frees + r.pending_at_end, loads * 2);
  EXPECT_EQ(r.live_at_end, r.pending_at_end + loaders * 4);
  EXPECT_EQ(r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
}

// --- colouring-study -------------------------------------------------------

struct ColourFigures {
  double cycles_per_read;
  std::uint64_t l1_misses;
};

ColourFigures colour_run(const char* colouring) {
  Scenario run("colouring-study",
               {"kernel.slab=slab", std::string("kernel.slab_colouring=") + colouring,
                "workload.generator.params.passes=10"});
  EXPECT_EQ(run.config.kernel.flavour, model::Flavour::linux_6);
  EXPECT_EQ(run.config.kernel.slab.design, "slab");
  EXPECT_EQ(run.op("reader", OpKind::kmem_cache_alloc).ops, 240u);
  const gen::OpTotals& t = run.op("reader", OpKind::touch);
  EXPECT_EQ(t.ops, 10u * 4);
  EXPECT_EQ(run.r.diagnostics, 0u);
  EXPECT_EQ(run.page_allocator_broken(), "");
  return {static_cast<double>(t.cycles) / static_cast<double>(t.ops * 240),
          run.machine->stats().value("l1d.misses", 0)};
}

TEST(ShippedScenarios, ColouringStudySlabColouringMakesHotLinesCheaper) {
  const ColourFigures on = colour_run("true");
  const ColourFigures off = colour_run("false");
  std::printf(
      "  SLAB linux-6, 240 x 384 B: coloured %.2f cycles/read, %llu L1 misses; "
      "uncoloured %.2f cycles/read, %llu L1 misses\n",
      on.cycles_per_read, static_cast<unsigned long long>(on.l1_misses), off.cycles_per_read,
      static_cast<unsigned long long>(off.l1_misses));
  // Uncoloured, 24 hot lines per 8-way L1 set: every read misses; coloured, 6.
  EXPECT_LT(on.cycles_per_read * 2, off.cycles_per_read);
  EXPECT_LT(on.l1_misses * 2, off.l1_misses);
}

// --- bursty-pages ----------------------------------------------------------

// CPU 0's list of the zone its GFP_KERNEL pages come from (node 0's DMA32 on
// the default machine: node 0 spans 0..4 GiB).
const model::PerCpuPages& cpu0_list(const Scenario& run) {
  const model::PageAllocator& pa = run.kernel->pages();
  const int dma32 = model::zone_index(run.config.machine.arch, model::ZoneType::dma32);
  return pa.zone_of(0, static_cast<unsigned>(dma32))->pcp[0];
}

TEST(ShippedScenarios, BurstyPagesDecayPcpHighBetweenBurstsOnlyWithVmstatWork) {
  const std::vector<std::string> shorter{"workload.generator.duration=4s"};
  std::vector<std::string> off = shorter;
  off.push_back("kernel.stat_interval=none");
  Scenario with("bursty-pages", shorter), again("bursty-pages", shorter),
      without("bursty-pages", off);
  for (const Scenario* run : {&with, &without}) {
    // Bursts at 0, 1.5 and 3 s, each 4000 pages allocated and freed.
    EXPECT_EQ(run->op("burst", OpKind::alloc_pages).ops, 3u * 4000);
    EXPECT_EQ(run->op("burst", OpKind::free).ops, 3u * 4000);
    EXPECT_EQ(run->failures(), 0u);
    EXPECT_EQ(run->page_allocator_broken(), "");
  }
  const model::VmEvents& on = with.kernel->pages().events();
  const model::VmEvents& none = without.kernel->pages().events();
  const model::PerCpuPages& list_on = cpu0_list(with);
  const model::PerCpuPages& list_off = cpu0_list(without);
  std::printf(
      "  vmstat_updates %llu, high decays %llu, decay pages %llu; CPU 0 list: count "
      "%lld high %lld (high_min %lld) with, count %lld high %lld without\n",
      static_cast<unsigned long long>(on.vmstat_updates),
      static_cast<unsigned long long>(on.pcp_high_decays),
      static_cast<unsigned long long>(on.pcp_decay_pages), static_cast<long long>(list_on.count),
      static_cast<long long>(list_on.high), static_cast<long long>(list_on.high_min),
      static_cast<long long>(list_off.count), static_cast<long long>(list_off.high));
  EXPECT_EQ(none.vmstat_updates + none.pcp_high_decays + none.pcp_decay_pages, 0u);
  EXPECT_GT(on.pcp_high_decays, 0u);
  EXPECT_GT(on.pcp_decay_pages, 0u);
  // A burst's frees leave high far above high_min and the pages on the list;
  // a second of decay takes an eighth of high off and frees what lies above.
  EXPECT_GT(list_off.high, list_off.high_min);
  EXPECT_LT(list_on.high, list_off.high);
  EXPECT_LT(list_on.count, list_off.count);
  EXPECT_LE(list_on.count, list_on.high);
  // The same seed gives the same interleaving of vmstat work and workload.
  const model::VmEvents& on2 = again.kernel->pages().events();
  EXPECT_EQ(again.r.elapsed, with.r.elapsed);
  EXPECT_EQ(on2.vmstat_updates, on.vmstat_updates);
  EXPECT_EQ(on2.pcp_decay_pages, on.pcp_decay_pages);
  EXPECT_EQ(cpu0_list(again).count, list_on.count);
  EXPECT_EQ(cpu0_list(again).high, list_on.high);
  EXPECT_EQ(again.machine->stats().value("l1d.misses", 0),
            with.machine->stats().value("l1d.misses", 0));
}

}  // namespace
}  // namespace allocsim
