#pragma once
// The objects a generated workload holds: one table of live objects (ids are
// reused through a free list) and the pools that threads keep them in. A pool
// is a FIFO with O(1) oldest, newest and random removal (random removal swaps
// the last object into the hole, so afterwards "oldest" is approximate).
#include <cstdint>
#include <vector>

#include "model/free_area.hpp"
#include "sim/address.hpp"
#include "sim/rng.hpp"
#include "workloads/generator/spec.hpp"

namespace allocsim::workloads::gen {

using ObjectId = std::uint32_t;

struct Object {
  sim::VirtAddr addr{};    // the kernel virtual address (NULL for pages)
  model::Pfn pfn{};        // pages: the block's first frame
  std::uint64_t size = 0;  // bytes the workload may touch
  ObjectKind kind = ObjectKind::kmalloc;
  std::int16_t index = kNone;  // cache or mempool
  std::uint8_t order = 0;      // pages
  std::int32_t owner = kNone;  // the thread instance it counts against
};

class ObjectTable {
 public:
  ObjectId add(const Object& o) {
    if (!free_.empty()) {
      const ObjectId id = free_.back();
      free_.pop_back();
      objects_[id] = o;
      return id;
    }
    objects_.push_back(o);
    return static_cast<ObjectId>(objects_.size() - 1);
  }
  void remove(ObjectId id) { free_.push_back(id); }
  Object& operator[](ObjectId id) { return objects_[id]; }
  std::size_t live() const { return objects_.size() - free_.size(); }
  void reserve(std::size_t n) {
    objects_.reserve(n);
    free_.reserve(n);
  }

 private:
  std::vector<Object> objects_;
  std::vector<ObjectId> free_;
};

class PoolStore {
 public:
  std::size_t size() const { return ids_.size() - head_; }
  bool empty() const { return size() == 0; }
  void push(ObjectId id) { ids_.push_back(id); }
  // Removes one object; the pool must not be empty. `each` counts as oldest.
  ObjectId take(Pick pick, sim::Rng& rng) {
    ObjectId id;
    if (pick == Pick::newest) {
      id = ids_.back();
      ids_.pop_back();
    } else if (pick == Pick::random) {
      const std::size_t i = head_ + rng.below(size());
      id = ids_[i];
      ids_[i] = ids_.back();
      ids_.pop_back();
    } else {
      id = ids_[head_++];
    }
    if (head_ == ids_.size()) {
      ids_.clear();
      head_ = 0;
    } else if (head_ > 1024 && head_ * 2 > ids_.size()) {
      ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return id;
  }
  // The object a touch reads: without removing it.
  ObjectId peek(Pick pick, sim::Rng& rng) const {
    if (pick == Pick::newest) return ids_.back();
    if (pick == Pick::random) return ids_[head_ + rng.below(size())];
    return ids_[head_];
  }
  ObjectId at(std::size_t i) const { return ids_[head_ + i]; }
  void reserve(std::size_t n) { ids_.reserve(n); }

 private:
  std::vector<ObjectId> ids_;
  std::size_t head_ = 0;
};

}  // namespace allocsim::workloads::gen
