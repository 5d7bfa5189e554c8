#pragma once
// What a replay does with each kind of traced event: allocate or free an
// object, allocate or free pages, or only count it (the page allocator's
// internal events, which the model makes happen by itself). The kinds it runs
// each have their latency histogram, named after the tracepoint.
#include <array>
#include <cstdint>

#include "workloads/trace/event.hpp"

namespace allocsim::workloads::replaying {

enum class Action : std::uint8_t { alloc_object, free_object, alloc_pages, free_pages, count };

constexpr Action action_of(trace::EventKind k) {
  using K = trace::EventKind;
  switch (k) {
    case K::kmalloc:
    case K::kmalloc_node:
    case K::kmem_cache_alloc:
    case K::kmem_cache_alloc_node:
      return Action::alloc_object;
    case K::kfree:
    case K::kmem_cache_free:
      return Action::free_object;
    case K::mm_page_alloc:
      return Action::alloc_pages;
    case K::mm_page_free:
    case K::mm_page_free_direct:
    case K::mm_page_free_batched:
    case K::mm_pagevec_free:
      return Action::free_pages;
    default:
      return Action::count;
  }
}

constexpr bool is_kmalloc(trace::EventKind k) {
  return k == trace::EventKind::kmalloc || k == trace::EventKind::kmalloc_node;
}

// The kinds a replay runs, in EventKind order: one latency histogram each.
inline constexpr std::array<trace::EventKind, 11> kRunKinds{{
    trace::EventKind::kmalloc,
    trace::EventKind::kmalloc_node,
    trace::EventKind::kfree,
    trace::EventKind::kmem_cache_alloc,
    trace::EventKind::kmem_cache_alloc_node,
    trace::EventKind::kmem_cache_free,
    trace::EventKind::mm_page_alloc,
    trace::EventKind::mm_page_free,
    trace::EventKind::mm_page_free_direct,
    trace::EventKind::mm_page_free_batched,
    trace::EventKind::mm_pagevec_free,
}};

// The allocation kinds whose bytes_alloc a replay compares, in EventKind order.
inline constexpr std::array<trace::EventKind, 4> kAllocKinds{{
    trace::EventKind::kmalloc,
    trace::EventKind::kmalloc_node,
    trace::EventKind::kmem_cache_alloc,
    trace::EventKind::kmem_cache_alloc_node,
}};

// Index of a run kind in kRunKinds (kRunKinds.size() for the others).
constexpr std::size_t run_index(trace::EventKind k) {
  for (std::size_t i = 0; i < kRunKinds.size(); ++i)
    if (kRunKinds[i] == k) return i;
  return kRunKinds.size();
}

}  // namespace allocsim::workloads::replaying
