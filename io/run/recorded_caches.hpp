#pragma once
// A recording's kmem caches as the replay creates them (workloads/replay/
// hooks.hpp, CacheCatalogue): each cache the trace names gets the geometry
// and flags /sys/kernel/slab gave in the recording's before/slab_caches.tsv
// (object_size, align, hwcache_align, reclaim_account, destroy_by_rcu,
// cache_dma, ctor), so that the model's stride, and with it every
// kmem_cache_alloc's bytes_alloc, is the traced kernel's when the flavour
// lays caches out as that kernel does. A name merged into another cache (an
// alias) gets the geometry of the cache it was merged into. A
// SLAB_TYPESAFE_BY_RCU cache that keeps its free pointer inside the object
// (freeptr_offset, 6.x) is created without the flag (recorded_caches.cpp).
#include <filesystem>
#include <string>
#include <unordered_map>

#include "workloads/replay/hooks.hpp"

namespace allocsim::io {

class RecordedCaches final : public workloads::replaying::CacheCatalogue {
 public:
  // Reads <recording>/before/slab_caches.tsv; throws std::runtime_error
  // naming the file, line and column of a value that does not parse. A table
  // with only its header (a SLAB or SLOB kernel) knows no cache.
  explicit RecordedCaches(const std::filesystem::path& recording);

  std::optional<workloads::replaying::CacheSpec> find(std::string_view name,
                                                      std::uint64_t bytes_req,
                                                      std::uint64_t bytes_alloc) const override;
  std::size_t size() const { return by_name_.size(); }

 private:
  std::unordered_map<std::string, workloads::replaying::CacheSpec> by_name_;
};

}  // namespace allocsim::io
