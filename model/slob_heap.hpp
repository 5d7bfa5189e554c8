#pragma once
// The SLOB heap (mm/slob.c slob_alloc, slob_page_alloc, slob_free): a first-fit heap of
// 2-byte units over order-0 pages, kept on three lists of partially free pages
// (small / medium / large by request size), with each page's free blocks in
// address order. One global slob_lock. Every access the kernel makes is
// charged: the struct page fields, the free-block headers inside the page, the
// list heads and the lock word.
//
// Host side, each page has a record (indexed by a page id that the owner of the
// heap stores as the page's owner id): its free blocks and its live blocks,
// both sorted by offset, so bad frees can be recognised.
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "model/page_alloc.hpp"
#include "sim/spinlock.hpp"

namespace allocsim::model {

// The rules that differ between the flavours.
struct SlobRules {
  // slob_free of a block in a full page: 2.6.32 puts the page on the small
  // list whatever the size; 3.6 and later choose the list by size.
  bool free_to_small_list = true;
  // slob_alloc's list-head rotation: 2.6.32/3.6 "move the head before sp"
  // (when sp filled up, the page after it becomes first); 5.2+
  // list_rotate_to_front only if sp is still on the list.
  bool rotate_52 = false;
};

class SlobHeap {
 public:
  static constexpr std::int32_t kUnit = 2;      // SLOB_UNIT (slobidx_t = s16 on 4K pages)
  static constexpr std::int32_t kUnits = 2048;  // SLOB_UNITS(PAGE_SIZE)
  static constexpr std::uint32_t kBreak1 = 256, kBreak2 = 1024;  // SLOB_BREAK1/2
  static constexpr std::uint32_t kNoPage = 0xffffffffu;
  enum ListId : std::uint8_t { small, medium, large, none };

  static std::int32_t units(std::uint64_t bytes) {  // SLOB_UNITS
    return static_cast<std::int32_t>((bytes + kUnit - 1) / kUnit);
  }
  static ListId list_for(std::uint64_t size) {
    return size < kBreak1 ? small : size < kBreak2 ? medium : large;
  }

  // Where pages come from and go to (the allocator tags them with the page id).
  class PageSource {
   public:
    virtual ~PageSource() = default;
    virtual std::optional<Pfn> get_page(sim::Cpu& cpu, Gfp gfp, int node, std::uint32_t id) = 0;
    virtual void put_page(sim::Cpu& cpu, Pfn pfn) = 0;
  };

  // `globals`: simulated address of slob_lock followed by the three list heads.
  SlobHeap(PageAllocator& pa, PageSource& src, SlobRules rules, std::uint32_t ptr_bytes,
           sim::PhysAddr globals);

  // slob_alloc(size, gfp, align, node[, align_offset]): the block's physical
  // address, or kNoBlock (slob_alloc's NULL). The block is recorded as live for `cache`, with the
  // user's pointer at block + ptr_off and `req` (the kmalloc header's size) kept.
  static constexpr sim::PhysAddr kNoBlock{};
  sim::PhysAddr alloc(sim::Cpu& cpu, std::uint32_t size, Gfp gfp, std::uint32_t align,
                      std::uint32_t align_offset, int node, std::uint32_t cache,
                      std::uint16_t ptr_off, std::uint16_t req);
  // slob_free(block, size): `block` must be a live block's start in page `id`.
  void free(sim::Cpu& cpu, std::uint32_t id, sim::PhysAddr block, std::uint32_t size);

  struct LiveBlock {
    std::uint16_t start = 0;  // in units from the page start
    std::uint16_t units = 0;
    std::uint16_t ptr_off = 0;  // bytes from the block to the user's pointer
    std::uint16_t req = 0;      // kmalloc: the size in the header
    std::uint32_t cache = 0;
    bool rcu = false;  // freed by its user, waiting for a grace period (SLAB_TYPESAFE_BY_RCU)
  };
  struct Found {
    enum State : std::uint8_t { unknown, live, freed, interior } state = unknown;
    LiveBlock block;
    sim::PhysAddr block_phys{};
  };
  // What `phys` (in heap page `id`) is: a live block's user pointer, inside a
  // live block, the user pointer of a block freed since (double free), or none.
  Found find(std::uint32_t id, sim::PhysAddr phys) const;

  // The live block at `block` (page `id`) was freed by its user and waits
  // for a grace period before slob_free: find() still reports it, marked.
  void mark_rcu(std::uint32_t id, sim::PhysAddr block);

  // Throws std::logic_error on the first inconsistency.
  void check_invariants() const;

  // Introspection.
  template <class F>
  void for_each_live(F&& f) const {
    for (const Page& p : pages_)
      if (p.used)
        for (const LiveBlock& b : p.live) f(p.pfn, b);
  }
  std::uint64_t nr_pages() const { return nr_pages_; }
  std::vector<Pfn> list_pfns(ListId l) const;   // from the head
  std::int32_t page_free_units(Pfn pfn) const;  // -1: not a heap page
  // The free blocks of a page as (offset in units, units), address order.
  std::vector<std::pair<std::int32_t, std::int32_t>> free_blocks(Pfn pfn) const;
  const sim::SpinLock& lock() const { return *lock_; }

 private:
  struct FreeBlock {
    std::uint16_t off, units;
  };
  struct Page {  // struct page (slob_page in 2.6.32) + host records
    Pfn pfn{};
    sim::NodeId node = 0;
    bool used = false;
    ListId list = none;                              // PageSlobFree: on a list
    std::int32_t units = 0;                          // sp->units
    std::uint32_t prev = kNoPage, next = kNoPage;    // sp->list (a ring; see heads_)
    std::vector<FreeBlock> free;                     // sp->free / freelist chain
    std::vector<LiveBlock> live;                     // sorted by start
    std::array<std::uint64_t, kUnits / 64> freed{};  // freed user pointers (unit index)
  };

  std::uint32_t new_page_id();
  // slob_page_alloc: the block offset in units or -1; sets *removed when the
  // page filled up and left its list.
  std::int32_t page_alloc(sim::Cpu& cpu, std::uint32_t id, std::uint32_t size, std::uint32_t align,
                          std::uint32_t align_offset, bool* removed);
  void list_add(sim::Cpu& cpu, std::uint32_t id, ListId l);  // at the head
  void list_del(sim::Cpu& cpu, std::uint32_t id);
  void rotate_to(sim::Cpu& cpu, ListId l, std::uint32_t id);  // id becomes first
  void record_live(Page& p, const LiveBlock& b);
  void drop_live(Page& p, std::uint16_t start);

  // Simulated addresses.
  sim::PhysAddr page_phys(const Page& p) const { return pa_.pfn_to_phys(p.pfn); }
  sim::PhysAddr desc(const Page& p) const { return pa_.page_desc(p.pfn); }
  sim::PhysAddr block_addr(const Page& p, std::int32_t off) const {
    return page_phys(p) + static_cast<std::uint64_t>(off) * kUnit;
  }
  sim::PhysAddr head_addr(ListId l) const { return globals_ + 8 + 2 * ptr_ * l; }
  // struct page fields: list at 8, free pointer and units after it.
  sim::PhysAddr pg_list(const Page& p) const { return desc(p) + 8; }
  sim::PhysAddr pg_free(const Page& p) const { return desc(p) + 8 + 2 * ptr_; }
  sim::PhysAddr pg_units(const Page& p) const { return desc(p) + 8 + 3 * ptr_; }
  // Reading / writing a free block's header (set_slob / slob_units / slob_next).
  void read_block(sim::Cpu& cpu, const Page& p, std::int32_t off, std::int32_t units) const {
    cpu.read(block_addr(p, off), units > 1 ? 2 * kUnit : kUnit);
  }
  void set_slob(sim::Cpu& cpu, const Page& p, std::int32_t off, std::int32_t units) const {
    cpu.write(block_addr(p, off), units > 1 ? 2 * kUnit : kUnit);
  }

  PageAllocator& pa_;
  PageSource& src_;
  SlobRules rules_;
  std::uint32_t ptr_;  // sizeof(void *)
  sim::PhysAddr globals_;
  std::unique_ptr<sim::SpinLock> lock_;
  std::array<std::uint32_t, 3> heads_{kNoPage, kNoPage, kNoPage};  // first page of each ring
  std::array<std::uint32_t, 3> counts_{};
  std::deque<Page> pages_;  // a deque: references stay valid while another CPU adds pages
  std::vector<std::uint32_t> free_ids_;
  std::uint64_t nr_pages_ = 0;
  Gfp gfp_zero_{};
};

}  // namespace allocsim::model
