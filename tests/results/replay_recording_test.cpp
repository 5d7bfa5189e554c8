// allocsim run DIR: a recording directory replays on its own machine.yaml
// under its flavour, and its after/ snapshot is set beside the model's /proc.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "io/config/load.hpp"
#include "io/run/execute.hpp"
#include "workloads/replay/accuracy.hpp"

namespace allocsim::workloads {
namespace {

const AccuracyRow& row(const std::vector<AccuracyRow>& rows, const std::string& metric,
                       const std::string& key) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const AccuracyRow& r) {
    return r.metric == metric && r.key == key;
  });
  if (it == rows.end()) throw std::runtime_error("no row " + metric + " " + key);
  return *it;
}

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

}  // namespace
}  // namespace allocsim::workloads
