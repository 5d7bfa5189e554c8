#pragma once
// The list_head that links slabs on a node's (or CPU's) lists, kept as
// indices into the allocator's slab table. Only the links live here; the
// allocators charge the kernel's list_add/list_del writes at their own
// addresses (struct slab or struct page).
#include <cstdint>

namespace allocsim::model {

inline constexpr std::uint32_t kNoSlabIndex = 0xffffffffu;

struct SlabListLinks {
  std::uint32_t prev = kNoSlabIndex, next = kNoSlabIndex;
};

struct SlabIndexList {
  std::uint32_t head = kNoSlabIndex, tail = kNoSlabIndex, count = 0;

  // list_add (head) or list_add_tail. `table[i]` has `prev` and `next`.
  template <class Table>
  void add(Table& table, std::uint32_t id, bool at_tail) {
    auto& s = table[id];
    if (at_tail) {
      s.prev = tail;
      s.next = kNoSlabIndex;
      if (tail != kNoSlabIndex)
        table[tail].next = id;
      else
        head = id;
      tail = id;
    } else {
      s.next = head;
      s.prev = kNoSlabIndex;
      if (head != kNoSlabIndex)
        table[head].prev = id;
      else
        tail = id;
      head = id;
    }
    ++count;
  }

  // list_del; returns the former neighbours (kNoSlabIndex for the list head).
  template <class Table>
  SlabListLinks del(Table& table, std::uint32_t id) {
    auto& s = table[id];
    const SlabListLinks was{s.prev, s.next};
    if (s.prev != kNoSlabIndex)
      table[s.prev].next = s.next;
    else
      head = s.next;
    if (s.next != kNoSlabIndex)
      table[s.next].prev = s.prev;
    else
      tail = s.prev;
    s.prev = s.next = kNoSlabIndex;
    --count;
    return was;
  }
};

}  // namespace allocsim::model
