#pragma once
// mempool (mm/mempool.c): a reserve of min_nr pre-allocated elements over a
// slab cache, kmalloc or pages. mempool_alloc tries the underlying allocator
// first without I/O or reclaim, then the reserve, then (6.x) the allocator
// with reclaim, then waits (may-sleep requests) or returns NULL (atomic), in
// each flavour's order; mempool_free refills the reserve first and wakes the
// waiters. A waiting CPU is blocked in simulated time until an element comes
// back.
#include <cstdint>
#include <memory>
#include <vector>

#include "model/object_allocator.hpp"
#include "sim/spinlock.hpp"

namespace allocsim::model {

struct MempoolStats {
  std::uint64_t from_allocator = 0, from_reserve = 0, null_returns = 0, waits = 0;
  std::uint64_t to_reserve = 0, to_allocator = 0;
};

class Mempool {
 public:
  enum class Backend : std::uint8_t { slab, kmalloc, pages };

  // mempool_create_node: nullptr (everything given back) if the reserve
  // cannot be filled. `cache` for slab, `size` for kmalloc, `order` for pages.
  static std::unique_ptr<Mempool> create(sim::Cpu& cpu, ObjectAllocator& oa, unsigned min_nr,
                                         Backend backend, KmemCache* cache, std::uint64_t size,
                                         unsigned order, int node = -1);
  ~Mempool();

  // 0 when an atomic request finds the allocator and the reserve empty.
  VirtAddr alloc(sim::Cpu& cpu, Gfp gfp);
  void free(sim::Cpu& cpu, VirtAddr element);
  // mempool_resize: false if growing could not allocate the new elements.
  bool resize(sim::Cpu& cpu, unsigned new_min_nr);
  // mempool_destroy: the reserve is given back; elements still out are the caller's bug.
  void destroy(sim::Cpu& cpu);

  unsigned min_nr() const { return min_nr_; }
  unsigned curr_nr() const { return static_cast<unsigned>(elements_.size()); }
  const MempoolStats& stats() const { return stats_; }
  std::size_t waiters() const { return waiters_.size(); }

 private:
  Mempool(ObjectAllocator& oa, Backend b, KmemCache* cache, std::uint64_t size, unsigned order,
          int node);
  VirtAddr backend_alloc(sim::Cpu& cpu, Gfp gfp);
  void backend_free(sim::Cpu& cpu, VirtAddr e);
  void add_element(sim::Cpu& cpu, VirtAddr e);
  VirtAddr remove_element(sim::Cpu& cpu);

  ObjectAllocator& oa_;
  Backend backend_;
  KmemCache* cache_;
  std::uint64_t size_;
  unsigned order_;
  int node_;
  unsigned min_nr_ = 0;
  std::vector<VirtAddr> elements_;        // the LIFO reserve
  VirtAddr struct_addr_, elements_addr_;  // kmalloc'ed mempool_t and elements[]
  std::unique_ptr<sim::SpinLock> lock_;
  std::vector<sim::Cpu*> waiters_;
  MempoolStats stats_;
  Gfp gfp_kernel_{}, wait_bits_{}, io_bit_{}, extra_{};
};

}  // namespace allocsim::model
