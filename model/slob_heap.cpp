#include "model/slob_heap.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "model/gfp.hpp"
#include "sim/machine.hpp"

namespace allocsim::model {

namespace {
constexpr sim::Cycles kBlockStepCycles = 3;  // one step of a free-list walk
constexpr sim::Cycles kCallCycles = 20;      // slob_alloc / slob_free bookkeeping
}  // namespace

SlobHeap::SlobHeap(PageAllocator& pa, PageSource& src, SlobRules rules, std::uint32_t ptr_bytes,
                   sim::PhysAddr globals)
    : pa_(pa),
      src_(src),
      rules_(rules),
      ptr_(ptr_bytes),
      globals_(globals),
      lock_(std::make_unique<sim::SpinLock>(pa.machine().make_lock(globals, "slob_lock"))) {
  gfp_zero_ = parse_gfp(pa.flavour(), "__GFP_ZERO");
}

std::uint32_t SlobHeap::new_page_id() {
  if (!free_ids_.empty()) {
    const std::uint32_t id = free_ids_.back();
    free_ids_.pop_back();
    return id;
  }
  pages_.emplace_back();
  pages_.back().free.reserve(8);
  pages_.back().live.reserve(32);
  return static_cast<std::uint32_t>(pages_.size() - 1);
}

// --- the three lists: rings of pages, heads_ = the page after the list head ----

void SlobHeap::list_add(sim::Cpu& cpu, std::uint32_t id, ListId l) {
  // set_slob_page_free: list_add(&sp->list, list) + __SetPageSlobFree.
  Page& p = pages_[id];
  cpu.rmw(desc(p), 8);
  cpu.write(pg_list(p), 2 * ptr_);
  cpu.write(head_addr(l), ptr_);
  const std::uint32_t first = heads_[l];
  if (first == kNoPage) {
    p.prev = p.next = id;
  } else {
    Page& f = pages_[first];
    cpu.write(pg_list(f) + ptr_, ptr_);  // first->prev
    p.next = first;
    p.prev = f.prev;
    pages_[f.prev].next = id;
    f.prev = id;
  }
  heads_[l] = id;
  p.list = l;
  ++counts_[l];
}

void SlobHeap::list_del(sim::Cpu& cpu, std::uint32_t id) {
  // clear_slob_page_free: list_del(&sp->list) + __ClearPageSlobFree.
  Page& p = pages_[id];
  const ListId l = p.list;
  cpu.rmw(desc(p), 8);
  cpu.read(pg_list(p), 2 * ptr_);
  const bool first = heads_[l] == id;
  cpu.write(first ? head_addr(l) : pg_list(pages_[p.prev]), ptr_);
  cpu.write(p.next == heads_[l] ? head_addr(l) + ptr_ : pg_list(pages_[p.next]) + ptr_, ptr_);
  if (p.next == id) {
    heads_[l] = kNoPage;
  } else {
    pages_[p.prev].next = p.next;
    pages_[p.next].prev = p.prev;
    if (first) heads_[l] = p.next;
  }
  p.prev = p.next = kNoPage;
  p.list = none;
  --counts_[l];
}

void SlobHeap::rotate_to(sim::Cpu& cpu, ListId l, std::uint32_t id) {
  // list_move_tail(list_head, &sp->list) (2.6.32/3.6) or list_rotate_to_front
  // (5.2+): the head moves in front of `id`, the ring order stays.
  const std::uint32_t first = heads_[l];
  if (first == id) return;
  const Page& f = pages_[first];
  const Page& p = pages_[id];
  cpu.write(pg_list(pages_[f.prev]), ptr_);  // last->next = first
  cpu.write(pg_list(f) + ptr_, ptr_);        // first->prev = last
  cpu.write(pg_list(pages_[p.prev]), ptr_);  // prev(id)->next = head
  cpu.write(pg_list(p) + ptr_, ptr_);        // id->prev = head
  cpu.write(head_addr(l), 2 * ptr_);
  heads_[l] = id;
}

// --- live records -------------------------------------------------------------

void SlobHeap::record_live(Page& p, const LiveBlock& b) {
  auto it = std::upper_bound(p.live.begin(), p.live.end(), b.start,
                             [](std::uint16_t s, const LiveBlock& x) { return s < x.start; });
  p.live.insert(it, b);
  // The range is in use again: freed pointers inside it are no longer "free".
  for (std::uint32_t u = b.start; u < static_cast<std::uint32_t>(b.start + b.units);) {
    if ((u & 63) == 0 && u + 64 <= static_cast<std::uint32_t>(b.start + b.units)) {
      p.freed[u >> 6] = 0;
      u += 64;
    } else {
      p.freed[u >> 6] &= ~(1ull << (u & 63));
      ++u;
    }
  }
}

void SlobHeap::drop_live(Page& p, std::uint16_t start) {
  auto it = std::lower_bound(p.live.begin(), p.live.end(), start,
                             [](const LiveBlock& x, std::uint16_t s) { return x.start < s; });
  if (it == p.live.end() || it->start != start)
    throw std::logic_error("slob_free of a block that is not live");
  const std::uint32_t u = (static_cast<std::uint32_t>(it->start) * kUnit + it->ptr_off) / kUnit;
  if (u < static_cast<std::uint32_t>(kUnits)) p.freed[u >> 6] |= 1ull << (u & 63);
  p.live.erase(it);
}

void SlobHeap::mark_rcu(std::uint32_t id, sim::PhysAddr block) {
  Page& p = pages_.at(id);
  const auto start = static_cast<std::uint16_t>((block - page_phys(p)) / kUnit);
  auto it = std::lower_bound(p.live.begin(), p.live.end(), start,
                             [](const LiveBlock& x, std::uint16_t s) { return x.start < s; });
  if (it == p.live.end() || it->start != start)
    throw std::logic_error("an RCU free of a block that is not live");
  it->rcu = true;
}

SlobHeap::Found SlobHeap::find(std::uint32_t id, sim::PhysAddr phys) const {
  Found f;
  if (id >= pages_.size() || !pages_[id].used) return f;
  const Page& p = pages_[id];
  const sim::PhysAddr base = page_phys(p);
  if (phys < base || phys >= base + kUnits * kUnit) return f;
  const std::uint32_t byte = static_cast<std::uint32_t>(phys - base);
  auto it = std::upper_bound(p.live.begin(), p.live.end(), byte / kUnit,
                             [](std::uint32_t u, const LiveBlock& x) { return u < x.start; });
  if (it != p.live.begin()) {
    const LiveBlock& b = *std::prev(it);
    if (byte < static_cast<std::uint32_t>(b.start + b.units) * kUnit) {
      f.block = b;
      f.block_phys = block_addr(p, b.start);
      f.state = byte == static_cast<std::uint32_t>(b.start) * kUnit + b.ptr_off ? Found::live
                                                                                : Found::interior;
      return f;
    }
  }
  const std::uint32_t u = byte / kUnit;
  if (byte % kUnit == 0 && (p.freed[u >> 6] >> (u & 63) & 1)) f.state = Found::freed;
  return f;
}

// --- slob_page_alloc / slob_alloc / slob_free -----------------------------------------

std::int32_t SlobHeap::page_alloc(sim::Cpu& cpu, std::uint32_t id, std::uint32_t size,
                                  std::uint32_t align, std::uint32_t align_offset, bool* removed) {
  // slob_page_alloc: first fit over the page's free list, in address order.
  Page& p = pages_[id];
  const std::int32_t need = units(size);
  cpu.read(pg_free(p), ptr_);
  for (std::size_t i = 0; i < p.free.size(); ++i) {
    cpu.spend(kBlockStepCycles);
    const FreeBlock cur = p.free[i];
    read_block(cpu, p, cur.off, cur.units);
    std::int64_t delta = 0;
    if (align) {
      // aligned = ALIGN(cur + align_offset, align) - align_offset (5.4+;
      // align_offset is 0 before).
      const sim::PhysAddr at = block_addr(p, cur.off);
      const sim::PhysAddr aligned =
          sim::PhysAddr((at + align_offset + align - 1).value() / align * align) - align_offset;
      delta = static_cast<std::int64_t>(aligned - at) / kUnit;
    }
    if (cur.units < need + delta) continue;  // slob_last(cur): the loop ends
    std::int32_t off = cur.off, avail = cur.units;
    if (delta) {
      // Split off the alignment fragment; it stays free in front of the block.
      const auto d = static_cast<std::int32_t>(delta);
      set_slob(cpu, p, off + d, avail - d);
      set_slob(cpu, p, off, d);
      p.free[i].units = static_cast<std::uint16_t>(d);
      p.free.insert(
          p.free.begin() + static_cast<std::ptrdiff_t>(i) + 1,
          FreeBlock{static_cast<std::uint16_t>(off + d), static_cast<std::uint16_t>(avail - d)});
      ++i;
      off += d;
      avail -= d;
    }
    // prev's next pointer (or sp->free) now skips the taken units.
    if (i > 0)
      set_slob(cpu, p, p.free[i - 1].off, p.free[i - 1].units);
    else
      cpu.write(pg_free(p), ptr_);
    if (avail == need) {  // exact fit: unlink
      p.free.erase(p.free.begin() + static_cast<std::ptrdiff_t>(i));
    } else {  // the remainder replaces cur
      p.free[i] = {static_cast<std::uint16_t>(off + need),
                   static_cast<std::uint16_t>(avail - need)};
      set_slob(cpu, p, off + need, avail - need);
    }
    p.units -= need;  // the alignment fragment is not subtracted
    cpu.write(pg_units(p), 4);
    *removed = false;
    if (p.units == 0) {
      list_del(cpu, id);
      *removed = true;
    }
    return off;
  }
  return -1;
}

sim::PhysAddr SlobHeap::alloc(sim::Cpu& cpu, std::uint32_t size, Gfp gfp, std::uint32_t align,
                              std::uint32_t align_offset, int node, std::uint32_t cache,
                              std::uint16_t ptr_off, std::uint16_t req) {
  // slob_alloc: the list by size, next fit over its pages.
  const ListId l = list_for(size);
  const std::int32_t need = units(size);
  std::int32_t off = -1;
  std::uint32_t hit = kNoPage;
  cpu.spend(kCallCycles);
  cpu.lock(*lock_);
  cpu.read(head_addr(l), ptr_);
  if (heads_[l] != kNoPage) {
    std::uint32_t id = heads_[l];
    do {
      const Page& p = pages_[id];
      const std::uint32_t next = p.next;
      cpu.read(pg_list(p), ptr_);
      cpu.spend(kBlockStepCycles);
      bool fits = true;
      if (node >= 0) {  // page_to_nid(sp) != node
        cpu.read(desc(p), 8);
        fits = p.node == static_cast<sim::NodeId>(node);
      }
      if (fits) {
        cpu.read(pg_units(p), 4);
        fits = p.units >= need;  // total free units; fragmentation and alignment ignored
      }
      if (fits) {
        const bool first = id == heads_[l], last = p.next == heads_[l];
        const std::uint32_t after = p.next;
        bool removed = false;
        off = page_alloc(cpu, id, size, align, align_offset, &removed);
        if (off >= 0) {
          hit = id;
          if (!removed) {
            if (!first) rotate_to(cpu, l, id);  // sp becomes first for the next search
          } else if (!rules_.rotate_52 && !first && !last) {
            // 2.6.32/3.6: list_move_tail(slob_list, prev->next) with sp gone:
            // the page that followed sp becomes first.
            rotate_to(cpu, l, after);
          }
          break;
        }
      }
      id = next;
    } while (id != heads_[l]);
  }
  cpu.unlock(*lock_);

  if (off < 0) {
    // Grow by one order-0 page (slob_new_pages(gfp & ~__GFP_ZERO, 0, node)).
    const std::uint32_t id = new_page_id();
    const std::optional<Pfn> pfn = src_.get_page(cpu, Gfp{gfp.bits & ~gfp_zero_.bits}, node, id);
    if (!pfn) {
      free_ids_.push_back(id);
      return kNoBlock;
    }
    Page& p = pages_[id];
    p.pfn = *pfn;
    p.node = pa_.zones()[pa_.mem_map().page(*pfn).zone].node;
    p.used = true;
    ++nr_pages_;
    cpu.rmw(desc(p), 8);  // __SetPageSlab
    cpu.lock(*lock_);
    p.units = kUnits;
    p.free.assign(1, FreeBlock{0, static_cast<std::uint16_t>(kUnits)});
    cpu.write(pg_units(p), 4);
    cpu.write(pg_free(p), ptr_);
    set_slob(cpu, p, 0, kUnits);
    list_add(cpu, id, l);  // the new page goes to the head of the list
    bool removed = false;
    off = page_alloc(cpu, id, size, align, align_offset, &removed);
    if (off < 0) {  // the kernel BUG()s; here the request fails
      list_del(cpu, id);
      cpu.unlock(*lock_);
      cpu.rmw(desc(pages_[id]), 8);
      src_.put_page(cpu, pages_[id].pfn);
      pages_[id].used = false;
      pages_[id].free.clear();
      --nr_pages_;
      free_ids_.push_back(id);
      return kNoBlock;
    }
    cpu.unlock(*lock_);
    hit = id;
  }
  Page& p = pages_[hit];
  record_live(p, LiveBlock{static_cast<std::uint16_t>(off), static_cast<std::uint16_t>(need),
                           ptr_off, req, cache});
  return block_addr(p, off);
}

void SlobHeap::free(sim::Cpu& cpu, std::uint32_t id, sim::PhysAddr block, std::uint32_t size) {
  // slob_free(block, size).
  Page& p = pages_[id];
  const auto b = static_cast<std::int32_t>((block - page_phys(p)) / kUnit);
  std::int32_t n = units(size);
  drop_live(p, static_cast<std::uint16_t>(b));
  cpu.spend(kCallCycles);
  cpu.lock(*lock_);
  cpu.read(pg_units(p), 4);
  if (p.units + n == kUnits) {
    // The page is empty: straight back to the page allocator.
    if (p.list != none) list_del(cpu, id);
    cpu.unlock(*lock_);
    cpu.rmw(desc(p), 8);  // __ClearPageSlab
    const Pfn pfn = p.pfn;
    p.used = false;
    p.units = 0;
    p.free.clear();
    p.live.clear();
    p.freed.fill(0);
    --nr_pages_;
    free_ids_.push_back(id);
    src_.put_page(cpu, pfn);
    return;
  }
  if (p.list == none) {
    // The page was full: b alone is its free list.
    p.units = n;
    p.free.assign(1, FreeBlock{static_cast<std::uint16_t>(b), static_cast<std::uint16_t>(n)});
    cpu.write(pg_units(p), 4);
    cpu.write(pg_free(p), ptr_);
    set_slob(cpu, p, b, n);
    list_add(cpu, id, rules_.free_to_small_list ? small : list_for(size));
    cpu.unlock(*lock_);
    return;
  }
  p.units += n;
  cpu.write(pg_units(p), 4);
  cpu.read(pg_free(p), ptr_);
  if (b < p.free.front().off) {
    // In front of the first free block: merge with it if adjacent.
    read_block(cpu, p, p.free.front().off, p.free.front().units);
    if (b + n == p.free.front().off) {
      n += p.free.front().units;
      p.free.erase(p.free.begin());
    }
    set_slob(cpu, p, b, n);
    cpu.write(pg_free(p), ptr_);
    p.free.insert(p.free.begin(),
                  FreeBlock{static_cast<std::uint16_t>(b), static_cast<std::uint16_t>(n)});
    cpu.unlock(*lock_);
    return;
  }
  // Walk to prev < b < next.
  std::size_t prev = 0;
  read_block(cpu, p, p.free[0].off, p.free[0].units);
  while (prev + 1 < p.free.size() && p.free[prev + 1].off < b) {
    ++prev;
    cpu.spend(kBlockStepCycles);
    read_block(cpu, p, p.free[prev].off, p.free[prev].units);
  }
  const std::size_t next = prev + 1;
  if (next < p.free.size()) {
    read_block(cpu, p, p.free[next].off, p.free[next].units);
    if (b + n == p.free[next].off) {  // merge b with next (prev is not the last block)
      n += p.free[next].units;
      p.free.erase(p.free.begin() + static_cast<std::ptrdiff_t>(next));
    }
  }
  set_slob(cpu, p, b, n);
  FreeBlock& pv = p.free[prev];
  if (pv.off + pv.units == b) {  // merge prev with b
    pv.units = static_cast<std::uint16_t>(pv.units + n);
  } else {
    p.free.insert(p.free.begin() + static_cast<std::ptrdiff_t>(next),
                  FreeBlock{static_cast<std::uint16_t>(b), static_cast<std::uint16_t>(n)});
  }
  set_slob(cpu, p, p.free[prev].off, p.free[prev].units);
  cpu.unlock(*lock_);
}

// --- checks and introspection ------------------------------------------------------------

void SlobHeap::check_invariants() const {
  auto fail = [](const std::string& what, Pfn pfn) {
    throw std::logic_error("SLOB page " + std::to_string(pfn.value()) + ": " + what);
  };
  std::uint64_t used = 0;
  std::vector<std::pair<std::int32_t, std::int32_t>> spans;
  for (const Page& p : pages_) {
    if (!p.used) continue;
    ++used;
    std::int32_t free_units = 0, live_units = 0, end = 0;
    for (const FreeBlock& f : p.free) {
      if (f.units == 0 || f.off < end) fail("free list not in address order or overlapping", p.pfn);
      end = f.off + f.units;
      free_units += f.units;
    }
    if (end > kUnits) fail("free block past the page end", p.pfn);
    if (free_units != p.units) fail("units != sum of the free blocks", p.pfn);
    spans.clear();
    for (const FreeBlock& f : p.free) spans.emplace_back(f.off, f.units);
    end = 0;
    for (const LiveBlock& b : p.live) {
      if (b.units == 0 || b.start < end) fail("live blocks overlap", p.pfn);
      end = b.start + b.units;
      live_units += b.units;
      spans.emplace_back(b.start, b.units);
    }
    if (free_units + live_units != kUnits) fail("free + live units != 2048", p.pfn);
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
      if (spans[i - 1].first + spans[i - 1].second > spans[i].first)
        fail("a free block overlaps a live block", p.pfn);
    if (p.units == 0 && p.list != none) fail("full page on a list", p.pfn);
    if (p.units > 0 && p.list == none) fail("partially free page on no list", p.pfn);
    if (p.units == kUnits) fail("empty page kept", p.pfn);
  }
  if (used != nr_pages_) throw std::logic_error("SLOB page count mismatch");
  for (unsigned l = 0; l < 3; ++l) {
    std::uint32_t n = 0;
    if (heads_[l] != kNoPage) {
      std::uint32_t id = heads_[l];
      do {
        const Page& p = pages_[id];
        if (!p.used || p.list != l) fail("page on the wrong list", p.pfn);
        if (pages_[p.next].prev != id) fail("list links broken", p.pfn);
        id = p.next;
        if (++n > pages_.size()) throw std::logic_error("SLOB list does not close");
      } while (id != heads_[l]);
    }
    if (n != counts_[l]) throw std::logic_error("SLOB list count mismatch");
  }
}

std::vector<Pfn> SlobHeap::list_pfns(ListId l) const {
  std::vector<Pfn> out;
  if (l == none || heads_[l] == kNoPage) return out;
  std::uint32_t id = heads_[l];
  do {
    out.push_back(pages_[id].pfn);
    id = pages_[id].next;
  } while (id != heads_[l]);
  return out;
}

std::int32_t SlobHeap::page_free_units(Pfn pfn) const {
  for (const Page& p : pages_)
    if (p.used && p.pfn == pfn) return p.units;
  return -1;
}

std::vector<std::pair<std::int32_t, std::int32_t>> SlobHeap::free_blocks(Pfn pfn) const {
  std::vector<std::pair<std::int32_t, std::int32_t>> out;
  for (const Page& p : pages_)
    if (p.used && p.pfn == pfn)
      for (const FreeBlock& f : p.free) out.emplace_back(f.off, f.units);
  return out;
}

}  // namespace allocsim::model
