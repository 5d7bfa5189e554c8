#pragma once
// Doubly linked lists of pages threaded through mem_map (the kernel's
// list_head in struct page), used by the buddy free lists and the pcp lists.
// Each operation charges the struct page and list-head writes the kernel does.
#include "model/charge.hpp"
#include "model/mem_map.hpp"

namespace allocsim::model {

struct PageListOps {
  MemMap* map;
  PageLayout layout;

  sim::PhysAddr lru(std::uint32_t idx) const { return map->desc_addr(idx) + layout.lru; }

  // list_add: at the head.
  void add(FreeList& l, sim::PhysAddr head, std::uint32_t idx, const Charge& c) const {
    Page& p = (*map)[idx];
    p.prev = kNilIndex;
    p.next = l.head;
    c.read(head);
    if (l.head != kNilIndex) {
      (*map)[l.head].prev = idx;
      c.write(lru(l.head) + 8);
    } else {
      l.tail = idx;
    }
    l.head = idx;
    c.write(lru(idx), 16);
    c.write(head);
    ++l.count;
  }
  // list_add_tail.
  void add_tail(FreeList& l, sim::PhysAddr head, std::uint32_t idx, const Charge& c) const {
    Page& p = (*map)[idx];
    p.next = kNilIndex;
    p.prev = l.tail;
    c.read(head + 8);
    if (l.tail != kNilIndex) {
      (*map)[l.tail].next = idx;
      c.write(lru(l.tail));
    } else {
      l.head = idx;
    }
    l.tail = idx;
    c.write(lru(idx), 16);
    c.write(head + 8);
    ++l.count;
  }
  // list_del.
  void del(FreeList& l, sim::PhysAddr head, std::uint32_t idx, const Charge& c) const {
    Page& p = (*map)[idx];
    c.read(lru(idx), 16);
    if (p.prev != kNilIndex) {
      (*map)[p.prev].next = p.next;
      c.write(lru(p.prev));
    } else {
      l.head = p.next;
      c.write(head);
    }
    if (p.next != kNilIndex) {
      (*map)[p.next].prev = p.prev;
      c.write(lru(p.next) + 8);
    } else {
      l.tail = p.prev;
      c.write(head + 8);
    }
    p.next = p.prev = kNilIndex;
    --l.count;
  }
};

}  // namespace allocsim::model
