#pragma once
// How close a replay came to the kernel that was traced (issue 13 §3): the
// rows of tables/replay_accuracy and the summary's headline numbers. Each row
// sets a traced figure beside the model's: bytes_alloc per allocation kind,
// pages moved into and drained from the pcp lists, fallback steals and page
// allocations per order (from the trace itself), and for a recording the
// model's end-of-run /proc/slabinfo and /proc/buddyinfo beside the recorded
// after/ snapshot.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/kernel.hpp"
#include "sim/stat_decl.hpp"
#include "workloads/replay/result.hpp"

namespace allocsim::workloads::replaying {

// The model's end state against the recording's after/ snapshot:
// slab_num_objs and slab_num_slabs for every cache the model has or the
// trace allocated from, buddy_free_blocks for every zone and order. Throws
// std::runtime_error naming a snapshot file that cannot be read.
std::vector<AccuracyRow> compare_with_snapshot(const model::Kernel& kernel,
                                               const std::filesystem::path& recording,
                                               const std::vector<std::string>& traced_caches);

// Every row: bytes_alloc_equal per kind (traced: compared, model: equal),
// pcp_refill_pages, pcp_drain_pages, extfrag_steals, page_allocs per order,
// then r.snapshot.
std::vector<AccuracyRow> accuracy_rows(const ReplayResult& r);

// The summary's comparison figures.
struct AccuracySummary {
  std::uint64_t kmalloc_compared = 0, kmalloc_equal = 0;
  std::uint64_t cache_alloc_compared = 0, cache_alloc_equal = 0;
  std::uint64_t traced_pcp_refill_pages = 0, model_pcp_refill_pages = 0;
  std::uint64_t traced_pcp_drain_pages = 0, model_pcp_drain_pages = 0;
  std::uint64_t traced_extfrag_steals = 0, model_extfrag_steals = 0;
  std::uint64_t traced_page_allocs = 0, model_page_allocs = 0;
  std::uint64_t slab_caches_compared = 0, slab_caches_within_10pct = 0;
  std::uint64_t traced_free_pages = 0, model_free_pages = 0;
};
AccuracySummary summarize(const ReplayResult& r);

// A cache the target applies to: at least this many objects in the
// recorded after/ snapshot.
inline constexpr std::uint64_t kSlabTargetObjects = 100;

inline constexpr std::array<sim::FieldDecl<AccuracySummary>, 16> kAccuracySummary{{
    {{"kmalloc_compared", "1", "kmalloc and kmalloc_node events whose bytes_alloc was compared",
      "the replay: allocations the model satisfied whose event prints bytes_alloc"},
     &AccuracySummary::kmalloc_compared},
    {{"kmalloc_equal", "1", "of those, the ones whose bytes_alloc the model gave as traced",
      "the kmalloc size class (KmallocSizes::bytes_alloc) against the tracepoint's"},
     &AccuracySummary::kmalloc_equal},
    {{"cache_alloc_compared", "1",
      "kmem_cache_alloc and kmem_cache_alloc_node events whose bytes_alloc was compared",
      "the replay: allocations the model satisfied whose event prints bytes_alloc"},
     &AccuracySummary::cache_alloc_compared},
    {{"cache_alloc_equal", "1", "of those, the ones whose bytes_alloc the model gave as traced",
      "the cache's stride (KmemCacheStats::bytes_alloc) against the tracepoint's"},
     &AccuracySummary::cache_alloc_equal},
    {{"traced_pcp_refill_pages", "pages", "pages the traced kernel moved from buddy to pcp lists",
      "mm_page_alloc_zone_locked events with percpu_refill=1, 2^order pages each"},
     &AccuracySummary::traced_pcp_refill_pages},
    {{"model_pcp_refill_pages", "pages", "pages the model moved from buddy to pcp lists",
      "PageTracepoints::pcp_refill_pages: rmqueue_bulk() (model/pcp.cpp), during the replay"},
     &AccuracySummary::model_pcp_refill_pages},
    {{"traced_pcp_drain_pages", "pages", "pages the traced kernel drained from pcp lists",
      "mm_page_pcpu_drain events, 2^order pages each"},
     &AccuracySummary::traced_pcp_drain_pages},
    {{"model_pcp_drain_pages", "pages", "pages the model drained from pcp lists",
      "ZoneCounters::pcp_drained_pages: free_pcppages_bulk() (model/pcp.cpp), during the replay"},
     &AccuracySummary::model_pcp_drain_pages},
    {{"traced_extfrag_steals", "1", "fallback steals of the traced kernel",
      "mm_page_alloc_extfrag events"},
     &AccuracySummary::traced_extfrag_steals},
    {{"model_extfrag_steals", "1", "fallback steals of the model",
      "Buddy::extfrag_events: __rmqueue_fallback (model/buddy.cpp; linux-6.18: "
      "__rmqueue_claim and __rmqueue_steal, model/buddy_claim.cpp), during the replay"},
     &AccuracySummary::model_extfrag_steals},
    {{"traced_page_allocs", "1", "page allocations of the traced kernel, every order",
      "successful mm_page_alloc events"},
     &AccuracySummary::traced_page_allocs},
    {{"model_page_allocs", "1", "page allocations of the model, every order",
      "PageTracepoints::mm_page_alloc: __alloc_pages successes (model/page_alloc.cpp), during "
      "the replay"},
     &AccuracySummary::model_page_allocs},
    {{"slab_caches_compared", "1",
      "recordings: caches with at least 100 objects in after/slabinfo that were compared",
      "the slab_num_slabs rows of tables/replay_accuracy whose cache has num_objs >= 100 in "
      "after/slabinfo"},
     &AccuracySummary::slab_caches_compared},
    {{"slab_caches_within_10pct", "1",
      "of those, the caches whose num_slabs at the end is within 10 % of the recorded one",
      "|model - traced| <= traced / 10 on those rows"},
     &AccuracySummary::slab_caches_within_10pct},
    {{"traced_free_pages", "pages", "recordings: free pages in after/buddyinfo",
      "sum over zones and orders of free blocks x 2^order"},
     &AccuracySummary::traced_free_pages},
    {{"model_free_pages", "pages", "recordings: free pages in the model's /proc/buddyinfo",
      "the same sum over the model's end-of-run /proc/buddyinfo"},
     &AccuracySummary::model_free_pages},
}};
static_assert(sim::declares_every_field(kAccuracySummary),
              "declare every new AccuracySummary field in kAccuracySummary");

}  // namespace allocsim::workloads::replaying
