#pragma once
// kmalloc's general caches and size classes for each flavour, object
// allocator and architecture: which caches exist at boot (names and sizes),
// which one serves a request (kmalloc_index / kmalloc_slab /
// kmem_find_general_cachep), when a request goes to the page allocator
// instead, and the bytes_alloc that the kmalloc tracepoint prints.
// include/linux/kmalloc_sizes.h (2.6.32 SLAB), mm/slob.c __kmalloc_node with
// ARCH_KMALLOC_MINALIGN (SLOB), include/linux/slab.h __kmalloc_index (6.x).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/flavour.hpp"
#include "model/kernel_config.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

// Whose general caches a design boots with: a property of the design
// (SlabDesignTraits::kmalloc), so a research design can reuse a Linux one's.
enum class KmallocScheme : std::uint8_t {
  slab,  // SLAB's: 2.6.32 size-32 ... (kmalloc_sizes.h), 6.x kmalloc-32 ..., HWCACHE strides
  slub,  // SLUB's: kmalloc-8 ...
  slob,  // SLOB's: no caches, a header on the shared heap
};

struct KmallocCacheSpec {
  std::string name;    // "size-32", "kmalloc-96", "kmalloc-1k", "kmalloc-1024", ...
  std::uint32_t size;  // object size the cache is created with
  // The stride after alignment (buffer_size / s->size), which bytes_alloc prints. SLAB
  // creates kmalloc caches with SLAB_HWCACHE_ALIGN, so 6.5 SLAB's kmalloc-96 has 128.
  std::uint32_t stride = 0;
};

// The boot-time general caches, smallest first. Empty for SLOB (no caches).
// 2.6.32 SLAB: size-32 ... size-4194304 (96/192 by L1 size); 2.6.32 SLUB:
// kmalloc-8 ... kmalloc-8192 (+96, 192); 6.x SLAB (6.5): kmalloc-32 ... kmalloc-8k
// (+96, 192); 6.x SLUB (6.8): kmalloc-8 ... kmalloc-8k (+96, 192). Only the
// normal type (no DMA / reclaimable / cgroup copies).
class KmallocSizes {
 public:
  KmallocSizes(Flavour f, KmallocScheme scheme, sim::Arch arch, std::uint32_t cache_line);

  Flavour flavour() const { return flavour_; }
  KmallocScheme scheme() const { return scheme_; }
  const std::vector<KmallocCacheSpec>& caches() const { return caches_; }
  // Index into caches() for a request of `size` bytes (1 <= size <=
  // max_cache_size()); -1 for a size that no cache serves. O(1), no allocation.
  int index(std::uint64_t size) const;
  // Largest request a general cache serves; above it kmalloc goes to the page
  // allocator (kmalloc_large) or, in 2.6.32 SLAB, fails.
  std::uint64_t max_cache_size() const { return max_cache_size_; }
  // KMALLOC_MAX_SIZE: the largest kmalloc that can succeed at all.
  std::uint64_t max_size() const { return max_size_; }
  // Whether requests above max_cache_size() go to the page allocator.
  bool large_to_page_allocator() const { return large_to_pages_; }
  // bytes_alloc as the kmalloc (or kmalloc_node) tracepoint prints it for a
  // request of `size` bytes (SLOB: size + header, or PAGE_SIZE << order);
  // 0 for size 0 (ZERO_SIZE_PTR, no event).
  std::uint64_t bytes_alloc(std::uint64_t size) const;
  // SLOB: the kmalloc header (= ARCH_KMALLOC_MINALIGN, max ARCH_SLAB_MINALIGN).
  std::uint32_t slob_align() const { return slob_align_; }
  // ARCH_KMALLOC_MINALIGN for this flavour and architecture.
  std::uint32_t kmalloc_minalign() const { return minalign_; }

 private:
  Flavour flavour_;
  KmallocScheme scheme_;
  std::vector<KmallocCacheSpec> caches_;
  std::array<std::int8_t, 24> small_;  // (size - 1) / 8 -> index, sizes <= 192
  std::vector<std::int8_t> by_fls_;    // fls(size - 1) -> index, larger sizes
  std::uint64_t max_cache_size_ = 0, max_size_ = 0;
  bool large_to_pages_ = false;
  std::uint32_t slob_align_ = 8, minalign_ = 8;
};

}  // namespace allocsim::model
