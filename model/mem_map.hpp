#pragma once
// mem_map: one compact host record per page frame (16 bytes), while the
// simulated `struct page` of each frame sits at a real physical address in its
// node's memory (allocated at boot, like the kernel's node-local memmap), so
// touching descriptors costs what it costs on hardware.
#include <cstdint>
#include <vector>

#include "model/free_area.hpp"
#include "sim/types.hpp"

namespace allocsim::model {

// Page flags of the host record (a subset of Linux's page-flags).
enum PageFlag : std::uint8_t {
  PG_buddy = 1 << 0,     // free, head of a buddy block of `order` (PageBuddy)
  PG_reserved = 1 << 1,  // never given to the buddy allocator (memmap, boot data, holes)
  PG_pcp = 1 << 2,       // on a per-CPU list (free, but not in the buddy)
  PG_head = 1 << 3,      // first page of an allocated block of `order`
  PG_tail = 1 << 4,      // other pages of an allocated block
  PG_nomap = 1 << 5,     // a hole: no memory here
  PG_lru = 1 << 6,       // an allocated page on its node's LRU (the page-cache stand-in)
};

// A page on a pcp list keeps its list index and its migratetype (page_private)
// in `list`: pindex in the low four bits, migratetype above.
inline constexpr std::uint8_t pcp_list_byte(unsigned pindex, unsigned mt) {
  return static_cast<std::uint8_t>(pindex | (mt << 4));
}
inline constexpr unsigned pcp_pindex(std::uint8_t list) {
  return list & 0x0f;
}
inline constexpr unsigned pcp_mt(std::uint8_t list) {
  return list >> 4;
}

struct Page {
  std::uint32_t next = kNilIndex;  // list links (buddy or pcp list), mem_map indices
  std::uint32_t prev = kNilIndex;
  std::int32_t refcount = 0;  // _refcount
  std::uint8_t flags = PG_nomap;
  std::uint8_t order = 0;    // buddy order, or the allocation order of a head page
  std::uint8_t list = 0;     // migratetype (buddy) or pcp list index
  std::uint8_t zone = 0xff;  // index into the allocator's zone table
};
static_assert(sizeof(Page) == 16, "a page record must stay at 16 host bytes");

// Offsets inside the simulated struct page (x86_64 6.x layout; the line is what matters).
struct PageLayout {
  std::uint32_t size;  // 64 on x86_64, 32 on i386
  std::uint32_t flags = 0;
  std::uint32_t lru = 8;        // list_head next/prev
  std::uint32_t private_ = 40;  // buddy order
  std::uint32_t refcount = 52;
};

class MemMap {
 public:
  MemMap() = default;
  MemMap(Pfn first_pfn, Pfn end_pfn) : first_(first_pfn), pages_(end_pfn - first_pfn) {}

  Pfn first_pfn() const { return first_; }
  Pfn end_pfn() const { return first_ + pages_.size(); }
  bool contains(Pfn pfn) const { return pfn >= first_ && pfn < end_pfn(); }
  std::uint32_t index(Pfn pfn) const { return static_cast<std::uint32_t>(pfn - first_); }
  Pfn pfn(std::uint32_t index) const { return first_ + index; }
  Page& operator[](std::uint32_t index) { return pages_[index]; }
  const Page& operator[](std::uint32_t index) const { return pages_[index]; }
  Page& page(Pfn pfn) { return pages_[index(pfn)]; }
  const Page& page(Pfn pfn) const { return pages_[index(pfn)]; }
  std::size_t size() const { return pages_.size(); }

  // Simulated address of a frame's struct page: set per node at boot.
  void set_node_memmap(Pfn node_start, Pfn node_end, sim::PhysAddr base, std::uint32_t desc_size);
  sim::PhysAddr desc_addr(std::uint32_t index) const;

 private:
  struct NodeMap {
    std::uint32_t first, end;  // mem_map indices
    sim::PhysAddr base;
  };
  Pfn first_{};
  std::vector<Page> pages_;
  std::vector<NodeMap> node_maps_;
  std::uint32_t desc_size_ = 64;
};

}  // namespace allocsim::model
