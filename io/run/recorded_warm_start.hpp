#pragma once
// A replay's warm start (workloads/replay/hooks.hpp, WarmStart) from the
// recording's before/ snapshot:
// - each zone's free lists as before/pagetypeinfo gives them: free blocks per
//   migratetype and order, pageblocks per type (PageAllocator::warm_free_area
//   chooses the pfns, docs/recording.md); what the model had free beyond that
//   stays allocated, as the recorded kernel's memory in use;
// - each CPU's pcp lists of each zone with the `count` and `high` of
//   before/zoneinfo's pagesets, order-0 movable pages taken from that memory
//   in use (pcp pages are not on pagetypeinfo's lists);
// - before/meminfo's file LRU pages (Active(file) + Inactive(file)) from the
//   rest of that memory, as page cache on the nodes' LRUs, which reclaim can
//   take (split over the nodes by the memory each holds: meminfo is global).
// - before/slab_caches.tsv's caches with their slabs and objects in use
//   (io/run/recorded_slab_state.hpp), first, from the model's free memory.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/run/recorded_caches.hpp"
#include "io/run/recorded_slab_state.hpp"
#include "model/free_area.hpp"
#include "workloads/replay/hooks.hpp"

namespace allocsim::io {

class RecordedWarmStart final : public workloads::replaying::WarmStart {
 public:
  struct Pcp {
    int node = 0;
    std::string zone;  // DMA, DMA32, Normal, ...
    unsigned cpu = 0;
    std::uint64_t count = 0;
    std::int64_t high = 0;
  };
  // One zone of pagetypeinfo, by migratetype name as the kernel printed it.
  struct FreeArea {
    int node = 0;
    std::string zone;
    std::vector<std::pair<std::string, std::array<std::uint64_t, model::kNrOrders>>> free;
    std::vector<std::pair<std::string, std::uint64_t>> blocks;
  };

  // Reads <recording>/before/zoneinfo and, if present, before/pagetypeinfo;
  // throws std::runtime_error naming the file and line of what does not parse.
  explicit RecordedWarmStart(const std::filesystem::path& recording);
  void apply(model::Kernel& kernel) override;
  model::KmemCache* cache(std::string_view name) const override {
    return slabs_ ? slabs_->cache(name) : nullptr;
  }
  std::optional<std::pair<model::KmemCache*, sim::VirtAddr>> take_object(
      std::string_view name) override {
    return slabs_ ? slabs_->take_object(name) : std::nullopt;
  }
  // The slab part; empty when the recording has no before/slab_caches.tsv.
  const std::optional<RecordedSlabState>& slabs() const { return slabs_; }

  const std::vector<Pcp>& pcps() const { return pcps_; }
  const std::vector<FreeArea>& free_areas() const { return free_areas_; }
  // Pages moved onto pcp lists by apply(): the recorded counts less what the
  // model's boot left on the lists, or fewer when there are not enough.
  std::uint64_t moved() const { return moved_; }
  // After apply(): pages placed on the free lists, pages of the model's free
  // memory kept allocated, and recorded free blocks that found no room (the
  // model's zone had less free memory than the recorded one).
  std::uint64_t free_pages() const { return free_pages_; }
  std::uint64_t held_pages() const { return held_pages_; }
  std::uint64_t missing_blocks() const { return missing_blocks_; }
  // before/meminfo's Active(file) + Inactive(file) in pages (0 without the
  // file), and the pages apply() put on the LRUs.
  std::uint64_t file_lru_pages() const { return file_lru_pages_; }
  std::uint64_t page_cache_pages() const { return page_cache_pages_; }

 private:
  void read_zoneinfo(const std::filesystem::path& file);
  void read_pagetypeinfo(const std::filesystem::path& file);
  void read_meminfo(const std::filesystem::path& file);
  std::optional<RecordedCaches> geometry_;
  std::optional<RecordedSlabState> slabs_;
  std::vector<Pcp> pcps_;
  std::vector<FreeArea> free_areas_;
  std::uint64_t moved_ = 0, free_pages_ = 0, held_pages_ = 0, missing_blocks_ = 0;
  std::uint64_t file_lru_pages_ = 0, page_cache_pages_ = 0;
};

}  // namespace allocsim::io
