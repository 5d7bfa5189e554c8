#include "model/vmap_area.hpp"

#include <algorithm>

#include "model/kernel_math.hpp"

namespace allocsim::model {

namespace {
constexpr VirtAddr kVmallocStart64{0xffffc90000000000ull};  // VMALLOC_START, both flavours
constexpr VirtAddr kVmallocEnd64{0xffffe8ffffffffffull};    // start + (32 TB) - 1
constexpr std::uint64_t kVmallocOffset32 = 8ull << 20;      // VMALLOC_OFFSET
constexpr VirtAddr kPkmapBase32{0xff800000ull};             // PKMAP_BASE (as in Highmem)

// 2.6.32 alloc_vmap_area over the busy tree.
class BusyFirstFit final : public VmapAreaAllocator {
 public:
  std::optional<VirtAddr> alloc(const Charge& c, std::uint64_t size, std::uint64_t align,
                                VirtAddr vstart, VirtAddr vend, sim::PhysAddr meta) override {
    VirtAddr addr = align_up(vstart, align);
    if (addr + size - 1 < addr) return std::nullopt;  // overflow
    // The rbtree descent finds the first busy area ending at or above addr.
    std::size_t i = std::lower_bound(busy_.begin(), busy_.end(), addr,
                                     [](const Node& n, VirtAddr a) { return n.end < a; }) -
                    busy_.begin();
    charge_path(c, busy_, i);
    // Step past every busy area the request would overlap; each step lands one
    // page after the area's end (addr = ALIGN(first->va_end + PAGE_SIZE, align)).
    while (i < busy_.size() && addr + size > busy_[i].start && addr + size <= vend) {
      addr = align_up(busy_[i].end + kPageSize, align);
      if (addr + size - 1 < addr) return std::nullopt;
      ++i;  // rb_next
      if (i < busy_.size()) c.read(busy_[i].meta, 16);
    }
    if (addr + size > vend) return std::nullopt;
    busy_.insert(busy_.begin() + static_cast<std::ptrdiff_t>(i), Node{addr, addr + size, meta});
    c.write(meta, 32);  // va_start, va_end, flags, rb links (__insert_vmap_area)
    return addr;
  }

  void release(const Charge& c, VirtAddr start, VirtAddr) override {
    auto it = std::lower_bound(busy_.begin(), busy_.end(), start,
                               [](const Node& n, VirtAddr a) { return n.start < a; });
    if (it == busy_.end() || it->start != start) return;
    charge_path(c, busy_, static_cast<std::size_t>(it - busy_.begin()));
    busy_.erase(it);  // rb_erase
  }

  std::size_t nodes() const override { return busy_.size(); }

 private:
  std::vector<Node> busy_;
};

// 6.8 __alloc_vmap_area over the augmented free tree.
class LowestFreeFit final : public VmapAreaAllocator {
 public:
  LowestFreeFit(VirtAddr start, VirtAddr end, sim::PhysAddr meta) {
    // vmap_init_free_space: the whole address space is one free block at boot
    // (no early vm areas in the model).
    free_.push_back(Node{start, end, meta});
  }

  std::optional<VirtAddr> alloc(const Charge& c, std::uint64_t size, std::uint64_t align,
                                VirtAddr vstart, VirtAddr vend, sim::PhysAddr) override {
    // find_vmap_lowest_match: lowest block with ALIGN(max(va_start, vstart),
    // align) + size <= va_end (is_within_this_va).
    for (std::size_t i = 0; i < free_.size(); ++i) {
      Node& b = free_[i];
      if (b.end <= vstart) continue;
      const VirtAddr nva = align_up(std::max(b.start, vstart), align);
      if (nva < b.start || nva + size < nva || nva + size > b.end) continue;
      charge_path(c, free_, i);
      if (nva + size > vend) return std::nullopt;  // the lowest fit lies past vend
      // adjust_va_to_fit_type: full fit, left edge, right edge or no edge.
      const VirtAddr bstart = b.start, bend = b.end;
      const sim::PhysAddr bmeta = b.meta;
      c.write(bmeta, 16);
      if (nva == bstart && nva + size == bend) {
        free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));  // FL_FIT_TYPE
      } else if (nva == bstart) {
        b.start = nva + size;  // LE_FIT_TYPE
      } else if (nva + size == bend) {
        b.end = nva;  // RE_FIT_TYPE
      } else {
        b.end = nva;  // NE_FIT_TYPE: the remainder becomes a new free block
        free_.insert(free_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                     Node{nva + size, bend, bmeta});
      }
      return nva;
    }
    return std::nullopt;
  }

  void release(const Charge& c, VirtAddr start, VirtAddr end) override {
    // merge_or_add_vmap_area: coalesce with the free neighbours.
    auto it = std::lower_bound(free_.begin(), free_.end(), start,
                               [](const Node& n, VirtAddr a) { return n.start < a; });
    const std::size_t i = static_cast<std::size_t>(it - free_.begin());
    charge_path(c, free_, i);
    const bool merge_next = it != free_.end() && it->start == end;
    const bool merge_prev = it != free_.begin() && std::prev(it)->end == start;
    if (merge_prev && merge_next) {
      std::prev(it)->end = it->end;
      c.write(std::prev(it)->meta, 16);
      free_.erase(it);
    } else if (merge_prev) {
      std::prev(it)->end = end;
      c.write(std::prev(it)->meta, 16);
    } else if (merge_next) {
      it->start = start;
      c.write(it->meta, 16);
    } else {
      const sim::PhysAddr meta = it != free_.end() ? it->meta : free_.back().meta;
      free_.insert(it, Node{start, end, meta});
      c.write(meta, 16);
    }
  }

  std::size_t nodes() const override { return free_.size(); }

 private:
  std::vector<Node> free_;
};

}  // namespace

VmallocRange vmalloc_range(Flavour, sim::Arch arch, VirtAddr high_memory) {
  if (arch == sim::Arch::x86_64) return {kVmallocStart64, kVmallocEnd64};
  return {high_memory + kVmallocOffset32, kPkmapBase32 - 2 * kPageSize};
}

void VmapAreaAllocator::charge_path(const Charge& c, const std::vector<Node>& v,
                                    std::size_t target) {
  if (!c.cpu || v.empty()) return;
  std::size_t lo = 0, hi = v.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    c.read(v[mid].meta, 16);  // va_start/va_end, or rb links and subtree_max_size
    if (mid == target) return;
    if (mid < target)
      lo = mid + 1;
    else
      hi = mid;
  }
}

std::unique_ptr<VmapAreaAllocator> VmapAreaAllocator::create(Flavour f, VirtAddr space_start,
                                                             VirtAddr space_end,
                                                             sim::PhysAddr root_meta) {
  if (f == Flavour::linux_2_6) return std::make_unique<BusyFirstFit>();
  return std::make_unique<LowestFreeFit>(space_start, space_end, root_meta);
}

}  // namespace allocsim::model
