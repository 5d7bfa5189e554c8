#pragma once
// SLOB (mm/slob.c, 2.6.32 and 3.6): kmalloc and every kmem_cache share
// one first-fit heap of 2-byte units over order-0 pages (SlobHeap). kmalloc
// puts a header of ARCH_KMALLOC_MINALIGN bytes holding the size in front of
// each block; large requests go to the page allocator. No per-CPU or per-cache
// state, no cache merging, no /proc/slabinfo. linux-2.6 follows 2.6.32,
// linux-6 the last SLOB (6.1-6.3, §4b.8).
#include <memory>
#include <unordered_map>
#include <vector>

#include "model/object_allocator.hpp"
#include "model/slob_heap.hpp"

namespace allocsim::model {

struct SlobCache : KmemCache {
  std::uint32_t id = 0;
  std::uint32_t desc_size = 0;  // sizeof(struct kmem_cache) held in the heap
};

class Slob final : public ObjectAllocator, private SlobHeap::PageSource {
 public:
  Slob(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg, DiagnosticLog& diag);
  ~Slob() override;

  KmemCache* kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                               std::uint32_t align, SlabFlags flags, bool ctor) override;
  void kmem_cache_destroy(sim::Cpu& cpu, KmemCache* c) override;
  int kmem_cache_shrink(sim::Cpu& /*cpu*/, KmemCache& /*c*/) override { return 0; }
  std::vector<const KmemCache*> slab_caches() const override;
  std::vector<SlabinfoRow> slabinfo_rows() const override { return {}; }
  void check_invariants() const override;

  const SlobHeap& heap() const { return *heap_; }
  // The kmalloc header (= ARCH_KMALLOC_MINALIGN, §4b.6): 4 on 2.6.32 i386, else 8.
  std::uint32_t header() const { return align_; }
  // bytes_alloc as the kmalloc / kmem_cache_alloc tracepoints print it (§4b.7).
  std::uint64_t kmalloc_bytes_alloc(std::uint64_t size) const;
  std::uint64_t cache_bytes_alloc(const KmemCache& c) const override;
  // sizeof(struct slob_rcu), the footer of SLAB_TYPESAFE_BY_RCU objects.
  std::uint32_t rcu_footer() const { return ptr_ == 8 ? 24 : 12; }
  // Host-side stand-in for "kmalloc" (stats and in_use of heap kmallocs).
  const KmemCache& kmalloc_objects() const { return *caches_[0]; }

 protected:
  Lookup lookup(VirtAddr addr) const override;
  SlabAccount account_of(std::uint32_t owner) const override;
  SlabAccount rcu_account(bool /*reclaimable*/) const override { return account_of(0); }
  VirtAddr do_cache_alloc(sim::Cpu& cpu, KmemCache& c, Gfp gfp, int node) override;
  void do_cache_free(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) override;
  VirtAddr do_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) override;
  bool do_kfree(sim::Cpu& cpu, VirtAddr addr, const Lookup& l) override;
  std::uint64_t do_ksize(VirtAddr addr, const Lookup& l) const override;

 private:
  std::optional<Pfn> get_page(sim::Cpu& cpu, Gfp gfp, int node, std::uint32_t id) override;
  void put_page(sim::Cpu& cpu, Pfn pfn) override;

  static constexpr std::uint32_t kKmallocId = 0;              // caches_[0]: kmalloc blocks
  static constexpr std::uint32_t kDescId = 0xffffffffu;       // cache descriptors in the heap
  static constexpr std::uint32_t kBigOwnerBit = 0x80000000u;  // cache objects >= PAGE_SIZE

  bool linux6_;
  std::uint32_t align_;  // kmalloc header / ARCH_KMALLOC_MINALIGN = ARCH_SLAB_MINALIGN
  std::uint32_t ptr_;    // sizeof(void *)
  std::unique_ptr<SlobHeap> heap_;
  std::vector<std::unique_ptr<SlobCache>> caches_;  // by id; destroyed ones stay null
  std::unordered_map<Pfn, std::uint64_t> private_;  // 2.6.32 large kmalloc: page->private = size
  // kmem_rcu_free: __kmem_cache_free(b, size) after the grace period (a = b's
  // physical address, b = the size its struct slob_rcu footer holds).
  struct RcuFree final : RcuCallback {
    explicit RcuFree(Slob& s) : slob(s) {}
    void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) override;
    Slob& slob;
  } rcu_free_{*this};
  void kmem_cache_free_now(sim::Cpu& cpu, sim::PhysAddr b, std::uint32_t size);
};

std::unique_ptr<ObjectAllocator> make_slob(PageAllocator& pa, Highmem& hm,
                                           const ObjectAllocatorConfig& cfg, DiagnosticLog& diag);

}  // namespace allocsim::model
