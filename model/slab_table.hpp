#pragma once
// The slab table SLAB and SLUB share: every slab's record by id with ids
// reused, the page-owner id each slab's pages carry (how lookup() goes from an
// address to its slab without a host map per object), and the moves of a slab
// between lists with the list_head writes the kernel's list_add/list_del make.
//
// Two properties the allocators rely on (docs/architecture.md §10.4):
// - records live in a std::deque, so a reference held across a lock stays
//   valid while another CPU, running at that lock, adds slabs;
// - take() is called only once the page allocator (which may let other CPUs
//   run, at its locks) has returned the slab's pages, so an allocation that
//   fails never holds an id.
#include <cstdint>
#include <deque>
#include <vector>

#include "model/charge.hpp"
#include "model/slab_list.hpp"

namespace allocsim::model {

// `Slab` has list links `prev` and `next`; `Links(slab)` is the simulated
// address of the slab's list_head (next at +0, prev at +8). The pages of slab
// 0 carry the page-owner id `FirstOwner` (a constant: lookup() is hot).
template <class Slab, class Links, std::uint32_t FirstOwner>
class SlabTable {
 public:
  explicit SlabTable(Links links) : links_(links) {}

  Slab& operator[](std::uint32_t id) { return slabs_[id]; }
  const Slab& operator[](std::uint32_t id) const { return slabs_[id]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(slabs_.size()); }

  // An id for a slab whose pages just arrived: the last one released, else a
  // new record. A reused record keeps its old contents (and its vectors'
  // capacity, so a steady state allocates nothing): the caller sets them all.
  std::uint32_t take() {
    if (free_ids_.empty()) {
      slabs_.emplace_back();
      return size() - 1;
    }
    const std::uint32_t id = free_ids_.back();
    free_ids_.pop_back();
    return id;
  }
  void release(std::uint32_t id) { free_ids_.push_back(id); }

  // The page-owner id of slab `id`'s pages, and back (kNoSlabIndex: not a slab).
  static std::uint32_t owner(std::uint32_t id) { return FirstOwner + id; }
  static std::uint32_t id_of_owner(std::uint32_t owner) {
    return owner >= FirstOwner ? owner - FirstOwner : kNoSlabIndex;
  }

  // list_add (or list_add_tail) of slab `id` on `l`, whose list_head is at `head`.
  void list_add(const Charge& ch, SlabIndexList& l, sim::PhysAddr head, std::uint32_t id,
                bool tail) {
    ch.write(links_(slabs_[id]), 16);
    ch.write(head, 16);
    l.add(slabs_, id, tail);
  }
  // list_del: the slab's links, its predecessor's next (or the head) and its
  // successor's prev.
  void list_del(const Charge& ch, SlabIndexList& l, sim::PhysAddr head, std::uint32_t id) {
    ch.write(links_(slabs_[id]), 16);
    const SlabListLinks was = l.del(slabs_, id);
    ch.write(was.prev != kNoSlabIndex ? links_(slabs_[was.prev]) : head, 8);
    if (was.next != kNoSlabIndex) ch.write(links_(slabs_[was.next]) + 8, 8);
  }

 private:
  Links links_;
  std::deque<Slab> slabs_;
  std::vector<std::uint32_t> free_ids_;
};

// The object of a slab that starts exactly at `p`: objects of `stride` bytes,
// `count` of them from `first`. kNoSlabIndex for an address before the first
// object, inside an object, or past the last (lookup()'s "interior").
inline std::uint32_t slab_object_index(sim::PhysAddr first, std::uint32_t stride,
                                       std::uint32_t count, sim::PhysAddr p) {
  if (p < first) return kNoSlabIndex;
  const std::uint64_t off = p - first, i = off / stride;
  return off % stride || i >= count ? kNoSlabIndex : static_cast<std::uint32_t>(i);
}

}  // namespace allocsim::model
