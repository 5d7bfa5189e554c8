#include "io/run/recorded_caches.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "io/recording/tsv.hpp"
#include "model/slab_flags.hpp"

namespace allocsim::io {

namespace {

constexpr std::uint32_t kFreePointer = 8;  // sizeof(void *): recordings are of 64-bit kernels

}  // namespace

RecordedCaches::RecordedCaches(const std::filesystem::path& recording) {
  const recording::TsvTable t = recording::read_tsv_table(recording / "before" / "slab_caches.tsv",
                                                          "the recording's slab caches");
  const std::size_t name = t.column("name"), object_size = t.column("object_size"),
                    slab_size = t.column("slab_size"), align = t.column("align"),
                    ctor = t.column("ctor"), aliases = t.column("alias_names");
  // The flags sysfs shows as 0/1 attributes (mm/slub.c: *_show).
  const std::pair<std::size_t, model::SlabFlags> flags[] = {
      {t.column("hwcache_align"), model::SLAB_HWCACHE_ALIGN},
      {t.column("reclaim_account"), model::SLAB_RECLAIM_ACCOUNT},
      {t.column("destroy_by_rcu"), model::SLAB_TYPESAFE_BY_RCU},
      {t.column("cache_dma"), model::SLAB_CACHE_DMA},
  };
  for (const recording::TsvTable::Row& r : t.rows) {
    const std::vector<std::string>& row = r.fields;
    auto number_at = [&](std::size_t col) { return t.number<std::uint32_t>(r, col, row[col]); };
    workloads::replaying::CacheSpec spec;
    spec.size = number_at(object_size);
    spec.align = row[align] == "-" ? 0 : number_at(align);
    for (const auto& [col, flag] : flags)
      if (row[col] != "-" && number_at(col) != 0) spec.flags |= flag;
    spec.ctor = !row[ctor].empty() && row[ctor] != "-";
    // A SLAB_TYPESAFE_BY_RCU cache whose stride leaves no room for a free
    // pointer after the object keeps it inside (6.x's freeptr_offset, as
    // vm_area_struct does; mm/slub.c: calculate_sizes). The model always puts
    // it outside for such a cache, so it gets the cache without the flag,
    // which only defers the freeing of its empty slabs.
    if (spec.flags & model::SLAB_TYPESAFE_BY_RCU && !spec.ctor &&
        number_at(slab_size) < spec.size + kFreePointer)
      spec.flags &= ~model::SLAB_TYPESAFE_BY_RCU;
    by_name_[row[name]] = spec;
    for (std::string& alias : recording::tsv_list(row[aliases]))
      by_name_.try_emplace(std::move(alias), spec);
  }
}

std::optional<workloads::replaying::CacheSpec> RecordedCaches::find(std::string_view name,
                                                                    std::uint64_t,
                                                                    std::uint64_t) const {
  const auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace allocsim::io
