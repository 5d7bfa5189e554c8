#pragma once
// The part of a replay's warm start (workloads/replay/hooks.hpp, WarmStart)
// done so far: every CPU's pcp lists as the recording's before/zoneinfo gives
// them. Each CPU's pcp of each zone gets the recorded `high` and `count`
// pages, order-0 movable pages from the zone's buddy lists (zoneinfo gives
// only the total, not the orders and migratetypes on the lists). The free
// blocks per order and migratetype (pagetypeinfo) and the slab caches' slabs
// and objects in use are not loaded yet.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "workloads/replay/hooks.hpp"

namespace allocsim::io {

class RecordedPcpWarmStart final : public workloads::replaying::WarmStart {
 public:
  struct Pcp {
    int node = 0;
    std::string zone;  // DMA, DMA32, Normal, ...
    unsigned cpu = 0;
    std::uint64_t count = 0;
    std::int64_t high = 0;
  };

  // Reads <recording>/before/zoneinfo; throws std::runtime_error naming the
  // file and line of a pageset that does not parse.
  explicit RecordedPcpWarmStart(const std::filesystem::path& recording);
  void apply(model::Kernel& kernel) override;

  const std::vector<Pcp>& pcps() const { return pcps_; }
  // Pages moved onto pcp lists by apply(): the recorded counts less what the
  // model's boot left on the lists, or fewer when a zone has fewer free pages.
  std::uint64_t moved() const { return moved_; }

 private:
  std::vector<Pcp> pcps_;
  std::uint64_t moved_ = 0;
};

}  // namespace allocsim::io
