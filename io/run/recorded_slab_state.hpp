#pragma once
// The slab part of a replay's warm start: the caches of the recording's
// before/slab_caches.tsv (SLUB's /sys/kernel/slab) with their slabs and
// objects in use, and those objects handed to the trace's frees of objects
// allocated before it began. /sys says how many, not which: the layout is
// chosen, deterministically (docs/recording.md):
// - per node, the cache gets `slabs` full slabs by allocating slabs x the
//   model's objects per slab (more if the recorded objects need more);
// - objects are freed down to the recorded `objects`, round-robin from the
//   last `partial` slabs' worth of allocations (from all of them when the
//   recording has no partial slab), the last-allocated object of each first;
// - a traced kmem_cache_free of an object the trace never allocated frees
//   the most recently allocated warm object of that cache (take_object).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "io/run/recorded_caches.hpp"
#include "model/kernel.hpp"

namespace allocsim::io {

class RecordedSlabState {
 public:
  struct PerNode {
    std::uint64_t objects = 0, slabs = 0, partial = 0;
  };
  struct Cache {
    std::string name;                  // the sysfs name (":0000024" for an unnamed merge)
    std::vector<std::string> aliases;  // names merged into it
    std::vector<PerNode> nodes;        // by node; totals on node 0 when the table has none
  };

  // Reads <recording>/before/slab_caches.tsv; throws std::runtime_error
  // naming file, line and column of what does not parse.
  explicit RecordedSlabState(const std::filesystem::path& recording);
  const std::vector<Cache>& caches() const { return caches_; }

  // Creates the caches (an existing cache of the same name, a kmalloc cache
  // say, is used as it is) and their objects, on CPU 0.
  void apply(model::Kernel& kernel, const RecordedCaches& geometry);

  // The warm cache a trace name means (an alias names its cache), or null.
  model::KmemCache* cache(std::string_view name) const;
  // A live warm object of that cache for a free, or nothing.
  std::optional<std::pair<model::KmemCache*, sim::VirtAddr>> take_object(std::string_view name);

  std::uint64_t caches_warmed() const { return warmed_.size(); }
  std::uint64_t objects_live() const;

 private:
  model::KmemCache* find_or_create(sim::Cpu& cpu, model::Kernel& kernel,
                                   const RecordedCaches& geometry, const Cache& c) const;
  struct Warm {
    model::KmemCache* cache = nullptr;
    std::vector<sim::VirtAddr> live;  // allocation order
  };
  std::vector<Cache> caches_;
  std::vector<Warm> warmed_;
  std::unordered_map<std::string, std::size_t> by_name_;  // name or alias -> warmed_
  std::unordered_set<std::string> slabinfo_names_;
};

}  // namespace allocsim::io
