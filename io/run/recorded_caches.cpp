#include "io/run/recorded_caches.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "io/recording/tsv.hpp"
#include "model/slab_flags.hpp"

namespace allocsim::io {

namespace {

constexpr std::uint32_t kFreePointer = 8;  // sizeof(void *): recordings are of 64-bit kernels

}  // namespace

RecordedCaches::RecordedCaches(const std::filesystem::path& recording) {
  const std::string file = (recording / "before" / "slab_caches.tsv").string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file + ": cannot read the recording's slab caches");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(file + ":1: empty, expected a header");
  const std::vector<std::string> header = recording::tsv_split(line);
  const std::size_t name = recording::tsv_column(header, "name", file),
                    object_size = recording::tsv_column(header, "object_size", file),
                    slab_size = recording::tsv_column(header, "slab_size", file),
                    align = recording::tsv_column(header, "align", file),
                    ctor = recording::tsv_column(header, "ctor", file),
                    aliases = recording::tsv_column(header, "alias_names", file);
  // The flags sysfs shows as 0/1 attributes (mm/slub.c: *_show).
  const std::pair<std::size_t, model::SlabFlags> flags[] = {
      {recording::tsv_column(header, "hwcache_align", file), model::SLAB_HWCACHE_ALIGN},
      {recording::tsv_column(header, "reclaim_account", file), model::SLAB_RECLAIM_ACCOUNT},
      {recording::tsv_column(header, "destroy_by_rcu", file), model::SLAB_TYPESAFE_BY_RCU},
      {recording::tsv_column(header, "cache_dma", file), model::SLAB_CACHE_DMA},
  };
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> row = recording::tsv_split(line);
    if (row.size() != header.size())
      throw std::runtime_error(file + ":" + std::to_string(number) + ": " +
                               std::to_string(row.size()) + " fields, the header has " +
                               std::to_string(header.size()));
    auto number_at = [&](std::size_t col) {
      std::uint32_t v = 0;
      const std::string& s = row[col];
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size())
        throw std::runtime_error(file + ":" + std::to_string(number) + ": " + header[col] +
                                 ": expected a number, not '" + s + "'");
      return v;
    };
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
    const std::string& names = row[aliases];
    for (std::size_t i = 0; i < names.size();) {
      const std::size_t comma = std::min(names.find(',', i), names.size());
      if (comma > i) by_name_.try_emplace(names.substr(i, comma - i), spec);
      i = comma + 1;
    }
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
