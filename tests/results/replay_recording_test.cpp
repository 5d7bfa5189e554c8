// allocsim run DIR: a recording directory replays on its own machine.yaml
// under its flavour, and its after/ snapshot is set beside the model's /proc.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "../common/accuracy_row.hpp"
#include "io/config/load.hpp"
#include "io/run/execute.hpp"
#include "io/run/recorded_caches.hpp"
#include "io/run/recorded_warm_start.hpp"
#include "model/kernel.hpp"
#include "model/page_alloc.hpp"
#include "model/slab_flags.hpp"
#include "model/slabinfo.hpp"
#include "model/zone_type.hpp"
#include "sim/machine.hpp"
#include "workloads/replay/accuracy.hpp"

namespace allocsim::workloads {
namespace {

using testing::row;

TEST(ReplayAccuracy, ARecordingIsComparedWithItsAfterSnapshot) {
  const std::string dir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/recordings/ls-etc";
  const io::Config c = io::load_config({dir});
  EXPECT_EQ(c.kernel.flavour, model::Flavour::linux_6);  // from its machine.yaml
  EXPECT_EQ(c.trace.recording, dir);
  io::ExecuteOptions eo;
  eo.replay_rows = false;
  const io::RunOutcome o = io::execute(c, eo);
  const ReplayResult& r = *o.replay;
  // Every kmalloc's bytes_alloc equal to the 6.18 kernel's (its kmalloc size classes).
  const replaying::AccuracySummary s = replaying::summarize(r);
  EXPECT_EQ(s.kmalloc_compared, 338u);
  EXPECT_EQ(s.kmalloc_equal, 338u);
  // And every kmem_cache_alloc's: the caches have the recorded geometry
  // (io/run/recorded_caches.hpp), vm_area_struct's inner free pointer included.
  EXPECT_EQ(s.cache_alloc_compared, 1182u);
  EXPECT_EQ(s.cache_alloc_equal, 1182u);
  // The traced side: the recording's after/ snapshot, verbatim.
  const std::vector<AccuracyRow> rows = replaying::accuracy_rows(r);
  EXPECT_EQ(row(rows, "buddy_free_blocks", "0/Normal/0").traced, 1904u);
  EXPECT_EQ(row(rows, "buddy_free_blocks", "0/DMA32/10").traced, 753u);
  EXPECT_EQ(row(rows, "slab_num_objs", "kmalloc-64").traced, 133632u);
  EXPECT_EQ(row(rows, "slab_num_slabs", "dentry").traced, 2114u);
  // The model's side: its own end-of-run /proc/buddyinfo.
  std::uint64_t free_pages = 0;
  for (const AccuracyRow& a : rows)
    if (a.metric == "buddy_free_blocks")
      free_pages += a.model << std::stoul(a.key.substr(a.key.rfind('/') + 1));
  EXPECT_EQ(free_pages, s.model_free_pages);
  EXPECT_GT(free_pages, 0u);
  // Warm-started from before/: the model ends near the recorded free memory
  // (3,619,814 pages) and most caches near their recorded slabs; two traced
  // kmem_cache_frees freed objects live before the trace began.
  EXPECT_EQ(s.model_free_pages, 3617123u);
  EXPECT_EQ(s.slab_caches_compared, 77u);
  EXPECT_EQ(s.slab_caches_within_10pct, 71u);
  EXPECT_EQ(r.warm_frees, 2u);
}

TEST(RecordedCaches, GeometryAndFlagsComeFromSlabCachesTsv) {
  const io::RecordedCaches caches(std::string(ALLOCSIM_SOURCE_DIR) +
                                  "/tests/data/recordings/ls-etc");
  const auto names = caches.find("names_cache", 0, 0);
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(names->size, 4096u);
  EXPECT_EQ(names->align, 64u);
  EXPECT_EQ(names->flags, model::SLAB_HWCACHE_ALIGN);
  // An alias gets the geometry of the cache it is merged into (:0000024).
  const auto alias = caches.find("lsm_file_cache", 0, 0);
  ASSERT_TRUE(alias.has_value());
  EXPECT_EQ(alias->size, 24u);
  // Its free pointer inside (slab_size 192 = object_size): no TYPESAFE_BY_RCU.
  const auto vma = caches.find("vm_area_struct", 0, 0);
  ASSERT_TRUE(vma.has_value());
  EXPECT_EQ(vma->flags, model::SLAB_HWCACHE_ALIGN);
  EXPECT_FALSE(caches.find("no-such-cache", 0, 0).has_value());
}

TEST(RecordedCaches, AMalformedTableNamesFileLineAndColumn) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("allocsim-caches-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "before");
  {
    std::ofstream out(dir / "before" / "slab_caches.tsv");
    out << "name\tobject_size\tslab_size\talign\tctor\thwcache_align\treclaim_account\t"
           "destroy_by_rcu\tcache_dma\talias_names\n"
           "a\t64\t64\t8\t\t0\t0\t0\t0\t\n"
           "b\tsixty\t64\t8\t\t0\t0\t0\t0\t\n";
  }
  try {
    io::RecordedCaches caches(dir);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "before" / "slab_caches.tsv").string() +
                                         ":3: object_size: expected a number, not 'sixty'");
  }
  std::filesystem::remove_all(dir);
}

TEST(RecordedWarmStart, EachCpusPcpListsHoldTheRecordedCountAndHigh) {
  const std::string dir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/recordings/ls-etc";
  io::RecordedWarmStart warm(dir);
  // before/zoneinfo: DMA, DMA32 and Normal, two CPUs each.
  ASSERT_EQ(warm.pcps().size(), 6u);
  EXPECT_EQ(warm.pcps()[4].zone, "Normal");
  EXPECT_EQ(warm.pcps()[4].count, 99748u);
  EXPECT_EQ(warm.pcps()[5].high, 132142);
  const io::Config c = io::load_config({dir});
  sim::Machine m(c.machine, 1);
  model::Kernel k(m, c.kernel);
  warm.apply(k);
  std::uint64_t recorded = 0;
  for (const io::RecordedWarmStart::Pcp& p : warm.pcps()) {
    recorded += p.count;
    for (const model::Zone& z : k.pages().zones())
      if (model::zone_name(z.type) == p.zone) {
        EXPECT_EQ(z.pcp[p.cpu].count, static_cast<std::int64_t>(p.count)) << p.zone << p.cpu;
        EXPECT_EQ(z.pcp[p.cpu].high, p.high) << p.zone << p.cpu;
      }
  }
  EXPECT_EQ(recorded, 99748u + 64875u);
  // The lists were emptied first (warm_free_area), so all of it was moved.
  EXPECT_EQ(warm.moved(), recorded);
}

TEST(RecordedWarmStart, EachZonesFreeListsAreTheRecordedPagetypeinfo) {
  const std::string dir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/recordings/ls-etc";
  io::RecordedWarmStart warm(dir);
  // before/pagetypeinfo: DMA, DMA32 and Normal of node 0, five types each.
  ASSERT_EQ(warm.free_areas().size(), 3u);
  const io::RecordedWarmStart::FreeArea& normal = warm.free_areas()[2];
  EXPECT_EQ(normal.zone, "Normal");
  ASSERT_EQ(normal.free.size(), 5u);
  EXPECT_EQ(normal.free[1].first, "Movable");
  EXPECT_EQ(normal.free[1].second[1], 16677u);
  EXPECT_EQ(normal.free[2].second[0], 1891u);  // Reclaimable, order 0
  ASSERT_EQ(normal.blocks.size(), 5u);
  EXPECT_EQ(normal.blocks[0], (std::pair<std::string, std::uint64_t>{"Unmovable", 554}));
  const io::Config c = io::load_config({dir});
  sim::Machine m(c.machine, 1);
  model::Kernel k(m, c.kernel);
  warm.apply(k);
  // The recorded DMA32 had every managed page free, in blocks shaped by where
  // its reserved pages were; the model reserves other pfns (zoneinfo does not
  // say which), so one of its three order-8 blocks finds no room.
  EXPECT_EQ(warm.missing_blocks(), 1u);
  // The model's /proc/pagetypeinfo free counts are the recorded ones, line by
  // line, but for that block.
  std::ifstream in(dir + "/before/pagetypeinfo");
  const std::string model = k.proc("pagetypeinfo");
  std::string line;
  int compared = 0;
  while (std::getline(in, line))
    if (line.find(", type ") != std::string::npos && line.find("Isolate") == std::string::npos) {
      if (line.find("DMA32, type      Movable") != std::string::npos)
        line.replace(line.find("3      1    753"), 15, "2      1    753");
      EXPECT_NE(model.find(line), std::string::npos) << line;
      ++compared;
    }
  EXPECT_EQ(compared, 12);
  std::uint64_t pages = 0;
  for (const io::RecordedWarmStart::FreeArea& f : warm.free_areas())
    for (const auto& [type, counts] : f.free)
      for (unsigned o = 0; o < counts.size(); ++o) pages += counts[o] << o;
  EXPECT_EQ(warm.free_pages(), pages - 256);
  // Every page the booted model had free (buddy or pcp) is now free or held.
  sim::Machine cold_machine(c.machine, 1);
  model::Kernel cold(cold_machine, c.kernel);
  std::uint64_t cold_free = 0;
  for (const model::Zone& z : cold.pages().zones()) {
    cold_free += z.nr_free_pages;
    for (const model::PerCpuPages& p : z.pcp) cold_free += static_cast<std::uint64_t>(p.count);
  }
  // ... less the slabs the warm start made first (and a few pages of the new
  // caches' metadata that are not slabs).
  const auto slab_pages = [](const model::Kernel& kernel) {
    std::uint64_t pages = 0;
    for (const model::SlabinfoRow& r : kernel.slab().slabinfo_rows())
      pages += r.num_slabs * r.pagesperslab;
    return pages;
  };
  const std::uint64_t accounted =
      warm.free_pages() + warm.held_pages() + slab_pages(k) - slab_pages(cold);
  EXPECT_LE(accounted, cold_free);
  EXPECT_GE(accounted + 8, cold_free);
  // before/meminfo: Active(file) 1105848 kB + Inactive(file) 1131548 kB, as
  // page cache on node 0's LRU (the memory held has room for it).
  EXPECT_EQ(warm.file_lru_pages(), (1105848u + 1131548u) / 4);
  EXPECT_EQ(warm.page_cache_pages(), warm.file_lru_pages());
  EXPECT_EQ(k.pages().page_cache_pages(0), warm.file_lru_pages());
  EXPECT_NO_THROW(k.pages().check_invariants());
}

// objs_per_slab of `name`'s row in the recording's before/slab_caches.tsv.
std::uint32_t objects_per_slab(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/before/slab_caches.tsv");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + "\t", 0) == 0) {
      std::istringstream fields(line);
      std::string f;
      for (int i = 0; i < 6; ++i) std::getline(fields, f, '\t');
      return static_cast<std::uint32_t>(std::stoul(f));
    }
  return 0;
}

TEST(RecordedWarmStart, EachCacheHoldsTheRecordedSlabsAndObjects) {
  const std::string dir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/recordings/ls-etc";
  io::RecordedWarmStart warm(dir);
  ASSERT_EQ(warm.slabs()->caches().size(), 232u);  // the rows of before/slab_caches.tsv
  const io::Config c = io::load_config({dir});
  sim::Machine m(c.machine, 1);
  model::Kernel k(m, c.kernel);
  warm.apply(k);
  std::map<std::string, model::SlabinfoRow> rows;
  for (const model::SlabinfoRow& r : k.slab().slabinfo_rows()) rows[r.name] = r;
  // /sys/kernel/slab/dentry: objects 44373, slabs 2113, no partial slab.
  EXPECT_EQ(warm.cache("dentry")->in_use, 44373u);
  EXPECT_EQ(rows["dentry"].num_slabs, 2113u);
  // vm_area_struct: 3591 objects in 171 slabs of 21.
  EXPECT_EQ(warm.cache("vm_area_struct")->in_use, 3591u);
  EXPECT_EQ(rows["vm_area_struct"].num_slabs, 171u);
  // An unnamed merge (":0000032") is the cache slabinfo lists it under.
  EXPECT_EQ(warm.cache("lsm_inode_cache")->in_use, 70896u);
  EXPECT_EQ(rows["lsm_inode_cache"].num_slabs, 655u);
  // Every cache the model made itself holds the recorded objects in use
  // (SLUB's slabinfo counts its per-CPU slabs' free objects as active too,
  // in the model as in the recording) and, where its slabs hold as many
  // objects as the recorded ones, the recorded number of slabs.
  std::uint64_t warmed = 0, objects_exact = 0, same_geometry = 0, slabs_exact = 0;
  for (const io::RecordedSlabState::Cache& rc : warm.slabs()->caches()) {
    std::uint64_t objects = 0, slabs = 0;
    for (const auto& n : rc.nodes) objects += n.objects, slabs += n.slabs;
    const model::KmemCache* kc = warm.cache(rc.aliases.empty() ? rc.name : rc.aliases[0]);
    if (!kc || kc->general || objects == 0 || kc->name.rfind("kmem_cache", 0) == 0) continue;
    ++warmed;
    objects_exact += kc->in_use == objects;
    if (rows[kc->name].objperslab != objects_per_slab(dir, rc.name)) continue;
    ++same_geometry;
    slabs_exact += rows[kc->name].num_slabs == slabs;
  }
  EXPECT_EQ(warmed, 107u);
  EXPECT_EQ(objects_exact, warmed);
  EXPECT_EQ(slabs_exact, same_geometry);
  EXPECT_GT(same_geometry, 100u);
  EXPECT_NO_THROW(k.slab().check_invariants());
  EXPECT_NO_THROW(k.pages().check_invariants());
}

TEST(RecordedWarmStart, MalformedPagetypeinfoNamesFileAndLine) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "allocsim-warm-start-test";
  std::filesystem::create_directories(dir / "before");
  std::ofstream(dir / "before" / "zoneinfo") << "Node 0, zone   Normal\n";
  std::ofstream(dir / "before" / "pagetypeinfo")
      << "Page block order: 9\n\nNode    0, zone   Normal, type    Movable      1  2\n";
  std::ofstream(dir / "before" / "meminfo") << "MemTotal: 1 kB\nActive(file):    12 MB\n";
  try {
    io::RecordedWarmStart warm(dir);
    ADD_FAILURE() << "a bad meminfo line was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "before" / "meminfo").string() + ":2: expected '<n> kB'");
  }
  std::filesystem::remove(dir / "before" / "meminfo");
  std::ofstream(dir / "before" / "pagetypeinfo")
      << "Page block order: 9\n\nNode    0, zone   Normal, type    Movable      1  x\n";
  try {
    io::RecordedWarmStart warm(dir);
    ADD_FAILURE() << "a bad count was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "before" / "pagetypeinfo").string() + ":3: expected a count per order");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace allocsim::workloads
