#pragma once
// SLUB's per-CPU sheaves and per-node barns (linux-6.18, "SLUB percpu
// sheaves", Vlastimil Babka, merged for 6.18): a sheaf is an array of object
// pointers; each CPU has a `main` and a `spare` sheaf, each node a barn of
// full and empty sheaves. The host-side state mirrors the kernel structures;
// every access is charged at the simulated addresses below.
#include <cstdint>
#include <memory>
#include <vector>

#include "model/kernel_config.hpp"
#include "model/sheaf_stats.hpp"
#include "model/slab_flags.hpp"
#include "sim/address.hpp"
#include "sim/spinlock.hpp"
#include "sim/types.hpp"

namespace allocsim::model {

// MAX_FULL_SHEAVES / MAX_EMPTY_SHEAVES per barn (mm/slub.c, 6.18).
inline constexpr std::uint32_t kMaxFullSheaves = 10;
inline constexpr std::uint32_t kMaxEmptySheaves = 10;
// PCS_BATCH_MAX: sheaf_flush_main frees at most this many objects per lock hold.
inline constexpr std::uint32_t kPcsBatchMax = 32;

// struct slab_sheaf: a 32-byte header (rcu_head/barn_list/capacity, cache,
// size, node), then objects[capacity]; kzalloc'ed, so 32 + 8 * capacity bytes
// (288, a kmalloc-512 object, for capacity 32).
struct SlabSheafLayout {
  static constexpr std::uint32_t barn_list = 0;
  static constexpr std::uint32_t rcu_head = 0;  // in a union with barn_list
  static constexpr std::uint32_t size = 24;     // sheaf->size (after cache)
  static constexpr std::uint32_t node = 28;     // only used for the rcu_free sheaf
  static constexpr std::uint32_t objects = 32;
  static constexpr std::uint32_t bytes(unsigned capacity) { return objects + 8 * capacity; }
};

// struct slub_percpu_sheaves: lock (local_trylock_t), main, spare, rcu_free;
// one per CPU in that CPU's per-CPU area.
struct SlubPercpuSheavesLayout {
  static constexpr std::uint32_t lock = 0;
  static constexpr std::uint32_t main = 8;
  static constexpr std::uint32_t spare = 16;
  static constexpr std::uint32_t rcu_free = 24;
  static constexpr std::uint32_t size = 32;
};

// struct node_barn (48 bytes, a kmalloc-64 object): lock, the full and empty
// lists, nr_full, nr_empty.
struct NodeBarnLayout {
  static constexpr std::uint32_t lock = 0;
  static constexpr std::uint32_t sheaves_full = 8;
  static constexpr std::uint32_t sheaves_empty = 24;
  static constexpr std::uint32_t nr_full = 40;  // with nr_empty at 44
  static constexpr std::uint32_t bytes = 48;
};

inline constexpr std::uint32_t kNoSheaf = 0xffffffffu;

struct SlubSheaf {
  sim::VirtAddr va{};  // the kmalloc object that holds it (NULL: slot unused)
  sim::PhysAddr addr{};
  std::uint32_t size = 0;
  sim::NodeId node = 0;  // an rcu_free sheaf's: the barn it goes to after the grace period
  // An rcu_free sheaf, filling or waiting for its grace period: its objects
  // are still the users' (kfree_rcu'ed, not yet freed).
  bool rcu = false;
  std::vector<sim::VirtAddr> objects;  // capacity reserved once: the hot path does not allocate
};

struct SlubPcs {
  sim::PhysAddr addr{};
  std::uint32_t main = kNoSheaf, spare = kNoSheaf;
  std::uint32_t rcu_free = kNoSheaf;  // kfree_rcu's sheaf, submitted to call_rcu when full
};

struct SlubBarn {
  sim::VirtAddr va{};
  sim::PhysAddr addr{};
  std::vector<std::uint32_t> full, empty;  // LIFO: the back is the list head
  std::unique_ptr<sim::SpinLock> lock;
};

// calculate_sheaf_capacity: how many objects a cache's sheaves hold (0: no
// sheaves). linux-6.18 opt-in: exactly the kmem_cache_args.sheaf_capacity the
// creator asked for (do_kmem_cache_create), none under slab debugging. `all`
// follows the 7.0 series "slab: replace cpu (partial) slabs with sheaves": by
// stride 4/12/26/60 objects, grown to fill the kmalloc bucket of the sheaf
// (4/12/28/60), at least the requested capacity; none for the bootstrap caches.
unsigned slub_sheaf_capacity(Flavour f, SlubSheaves mode, SlabFlags flags, std::uint32_t size,
                             unsigned requested, bool bootstrap);

}  // namespace allocsim::model
