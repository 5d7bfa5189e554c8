#pragma once
// A generated workload, as read from `workload.generator` (docs/workloads.md):
// kmem caches and mempools made at start, and threads bound to CPUs that run
// phases of operations. Everything here is checked and resolved at load time
// (names to indices, GFP text to bits, `when:` conditions applied), so the run
// only follows indices.
#include <cstdint>
#include <string>
#include <vector>

#include "model/gfp.hpp"
#include "model/kmem_cache_args.hpp"
#include "model/slab_flags.hpp"
#include "sim/types.hpp"
#include "workloads/generator/distribution.hpp"

namespace allocsim::workloads::gen {

// What a pool holds, fixed by the allocation ops that fill it.
enum class ObjectKind : std::uint8_t { pages, kmalloc, cache, mempool, vmalloc };

enum class OpKind : std::uint8_t {
  alloc_pages,       // order, gfp
  kmalloc,           // size, gfp
  kmem_cache_alloc,  // cache, gfp
  mempool_alloc,     // mempool, gfp
  vmalloc,           // size
  page_cache,        // a page added to the page cache (reclaimable by kswapd)
  free,              // free_pages, kfree, kmem_cache_free, mempool_free, vfree
  touch,             // read or write objects of a pool
  compute,           // cycles
  sleep,             // simulated time
  barrier,           // wait for every thread that uses the barrier
  pass,              // move objects to another thread's pool (another CPU)
  cache_reap         // SLAB's cache_reap work on the CPU, now
};

enum class Pick : std::uint8_t { oldest, newest, random, each };
enum class TouchMode : std::uint8_t { read, write, rmw };
// Which CPU frees an object whose lifetime ends.
enum class FreeBy : std::uint8_t { self, next_cpu, random_cpu, cpus };
// How `pass` picks the receiving instance of the target thread.
enum class Deal : std::uint8_t { same_index, round_robin, random };

inline constexpr int kNone = -1;

struct Op {
  OpKind kind = OpKind::compute;
  std::string where;                               // "file:line" of the op, for diagnostics
  Distribution count = Distribution::constant(1);  // repetitions per iteration
  // Allocations.
  Distribution amount;  // size in bytes, or the page order
  model::Gfp gfp{};
  int cache = kNone, mempool = kNone, node = kNone;
  bool zero = false;  // kzalloc / __GFP_ZERO style: write the object
  bool init = false;  // write the first line after allocating
  // Lifetime: freed this long after allocation, by free_by, after an RCU grace
  // period if rcu. Without one, the object waits in `pool` for a free op.
  bool has_lifetime = false;
  Distribution lifetime;
  FreeBy free_by = FreeBy::self;
  std::vector<sim::CpuId> free_cpus;  // FreeBy::cpus
  bool rcu = false;                   // free: call_rcu-like, after the grace period
  // Pools: `into` for allocations, `from` for free/touch/pass.
  int pool = kNone;
  std::uint64_t keep = 0;     // allocations: at most this many in `pool` (0: no bound);
  Pick evict = Pick::oldest;  // the one freed first when full
  Pick pick = Pick::oldest;   // free/touch/pass
  bool all = false;           // free/pass: every object in the pool (count ignored)
  bool wait = false;          // free/pass: each unit waits for a non-empty pool
  // Touch.
  TouchMode mode = TouchMode::write;
  std::uint64_t bytes = 0;  // 0: the whole object, line by line
  std::uint64_t offset = 0;
  // compute (cycles), sleep (cycles).
  Distribution cycles;
  // Barrier.
  int barrier = kNone;
  // Pass.
  int to_thread = kNone, to_pool = kNone;
  Deal deal = Deal::same_index;
};

struct Phase {
  std::string name;
  std::uint64_t iterations = 0;  // passes over `ops` (irq: arrivals); 0: unbounded
  sim::Cycles duration = 0;      // 0: unbounded
  std::vector<Op> ops;
};

struct Pool {
  std::string name;
  ObjectKind kind = ObjectKind::kmalloc;
  int cache = kNone, mempool = kNone;  // cache/mempool objects: which one
};

struct ThreadSpec {
  std::string name;
  std::vector<sim::CpuId> cpus;  // one instance per CPU
  bool irq = false;              // interrupt context: atomic GFP, no sleeping
  Distribution arrival;          // irq: time between arrivals
  std::uint64_t max_live = 0;    // wait before allocating while this many are live (0: no bound)
  std::vector<Phase> phases;
  std::vector<Pool> pools;
};

struct CacheSpec {
  std::string name;
  std::uint32_t size = 0, align = 0;
  model::SlabFlags flags = 0;
  sim::Cycles ctor = 0;           // constructor cost per object; > 0 makes the cache have a ctor
  model::KmemCacheArgs args;      // 6.18 sheaf_capacity / freeptr_offset (ignored before 6.18)
  model::CacheTunables tunables;  // set once the cache exists (ObjectAllocator::set_tunables)
  bool boot = false;  // one of the kernel's boot caches (model/boot_caches.hpp), used by name
};

struct MempoolSpec {
  std::string name;
  unsigned min_nr = 0;
  ObjectKind backend = ObjectKind::cache;  // cache, kmalloc or pages
  int cache = kNone;
  std::uint64_t size = 0;  // kmalloc
  unsigned order = 0;      // pages
};

struct GeneratorSpec {
  std::string name;
  sim::Cycles duration = 0;   // every phase stops here (0: phases end by their own bounds)
  sim::Cycles rcu_grace = 0;  // grace period of rcu frees
  sim::Cycles quantum = 0;    // time slice between threads sharing a CPU
  std::vector<CacheSpec> caches;
  std::vector<MempoolSpec> mempools;
  std::vector<ThreadSpec> threads;
  std::vector<std::string> barriers;
  bool empty() const { return threads.empty(); }
};

}  // namespace allocsim::workloads::gen
