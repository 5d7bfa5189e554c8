#pragma once
// What the trace's pointers and pfns stand for in the model. Each traced
// allocation gets a slot when it is read; its free, read later, is bound to
// that slot at once, so a pointer the trace reuses before the first free has
// run cannot be confused with the next allocation. A slot lives from its
// allocation's reading until its free has run, so the map holds the objects
// live in the trace plus those read ahead, never the trace's length.
#include <cstdint>
#include <deque>
#include <vector>

#include "model/object_allocator.hpp"
#include "sim/address.hpp"
#include "sim/types.hpp"
#include "workloads/replay/key_table.hpp"

namespace allocsim::workloads::replaying {

using SlotId = std::uint32_t;
inline constexpr SlotId kNoSlot = KeyTable::kNone;

struct Slot {
  enum class State : std::uint8_t { pending, live, failed };
  sim::VirtAddr addr{};               // the model's object (NULL for pages)
  model::Pfn pfn{};                   // pages: the first frame of the block
  model::KmemCache* cache = nullptr;  // kmem_cache objects
  sim::Cycles done_at = 0;            // when its allocation finished on its CPU
  std::int32_t waiter = -1;           // the CPU whose free waits for the allocation
  std::uint8_t order = 0;             // pages
  State state = State::pending;
  bool orphan = false;  // the trace reused its key before freeing it: nobody will
  bool pages = false;   // a page block (else an object)
};

class ObjectMap {
 public:
  enum class Space : std::uint8_t { objects, pages };

  // A new pending slot for `key`. A key still bound (its free was never
  // traced) leaves its old slot to the model, released once its allocation
  // has run; `reused` says so.
  SlotId bind(Space s, std::uint64_t key, bool& reused) {
    const SlotId id = take_slot();
    slots_[id].pages = s == Space::pages;
    const SlotId old = table(s).put(key, id);
    reused = old != kNoSlot;
    if (reused) {
      slots_[old].orphan = true;
      if (slots_[old].state != Slot::State::pending) release(old);
    }
    return id;
  }
  // The slot a free of `key` frees (unbinding it), or kNoSlot when the trace
  // never allocated it.
  SlotId unbind(Space s, std::uint64_t key) { return table(s).take(key); }

  // A slot for a live object the trace never allocated (a warm start's),
  // bound to no key.
  SlotId adopt(sim::VirtAddr addr, model::KmemCache* cache) {
    const SlotId id = take_slot();
    slots_[id].addr = addr;
    slots_[id].cache = cache;
    slots_[id].state = Slot::State::live;
    return id;
  }

  Slot& operator[](SlotId id) { return slots_[id]; }
  void release(SlotId id) {
    slots_[id] = Slot{};
    free_.push_back(id);
  }

  // Keys bound now (objects and page blocks live in the trace), and the
  // slots in use now and at most (the map's size).
  std::size_t bound() const { return objects_.size() + pages_.size(); }
  std::size_t in_use() const { return slots_.size() - free_.size(); }
  std::size_t peak() const { return peak_; }

  // Every bound slot, for the end of the replay.
  template <class F>
  void for_each_bound(F&& f) const {
    for_each_in(objects_, f);
    for_each_in(pages_, f);
  }

 private:
  KeyTable& table(Space s) { return s == Space::objects ? objects_ : pages_; }
  SlotId take_slot() {
    SlotId id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
    } else {
      id = static_cast<SlotId>(slots_.size());
      slots_.emplace_back();
    }
    if (in_use() > peak_) peak_ = in_use();
    return id;
  }
  template <class F>
  void for_each_in(const KeyTable& t, F&& f) const {
    t.for_each([&](std::uint64_t, std::uint32_t v) { f(slots_[v]); });
  }

  KeyTable objects_, pages_;
  std::deque<Slot> slots_;  // a deque: a Slot& stays valid while other CPUs bind more
  std::vector<SlotId> free_;
  std::size_t peak_ = 0;
};

}  // namespace allocsim::workloads::replaying
