// allocsim run DIR: a recording directory replays on its own machine.yaml
// under its flavour, and its after/ snapshot is set beside the model's /proc.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "../common/accuracy_row.hpp"
#include "io/config/load.hpp"
#include "io/run/execute.hpp"
#include "io/run/recorded_caches.hpp"
#include "io/run/recorded_warm_start.hpp"
#include "model/kernel.hpp"
#include "model/page_alloc.hpp"
#include "model/slab_flags.hpp"
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

TEST(RecordedPcpWarmStart, EachCpusPcpListsHoldTheRecordedCountAndHigh) {
  const std::string dir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/recordings/ls-etc";
  io::RecordedPcpWarmStart warm(dir);
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
  for (const io::RecordedPcpWarmStart::Pcp& p : warm.pcps()) {
    recorded += p.count;
    for (const model::Zone& z : k.pages().zones())
      if (model::zone_name(z.type) == p.zone) {
        EXPECT_EQ(z.pcp[p.cpu].count, static_cast<std::int64_t>(p.count)) << p.zone << p.cpu;
        EXPECT_EQ(z.pcp[p.cpu].high, p.high) << p.zone << p.cpu;
      }
  }
  EXPECT_EQ(recorded, 99748u + 64875u);
  EXPECT_LE(warm.moved(), recorded);  // less what boot left on the lists
  EXPECT_GT(warm.moved(), recorded - 1000);
}

}  // namespace
}  // namespace allocsim::workloads
