#include "workloads/trace/event.hpp"

namespace allocsim::workloads::trace {
namespace {

constexpr std::array<std::string_view, kEventKinds> kNames = {
    "kmalloc",
    "kmalloc_node",
    "kfree",
    "kmem_cache_alloc",
    "kmem_cache_alloc_node",
    "kmem_cache_free",
    "mm_page_alloc",
    "mm_page_free",
    "mm_page_free_direct",
    "mm_page_free_batched",
    "mm_pagevec_free",
    "mm_page_alloc_zone_locked",
    "mm_page_pcpu_drain",
    "mm_page_alloc_extfrag",
    "other",
};

}  // namespace

std::string_view kind_name(EventKind k) {
  return kNames[static_cast<std::size_t>(k)];
}

EventKind kind_from_name(std::string_view name) {
  // kmem events all start with 'k' or "mm_"; anything else is other at once.
  if (name.empty() || (name[0] != 'k' && name[0] != 'm')) return EventKind::other;
  for (std::size_t i = 0; i + 1 < kEventKinds; ++i)
    if (kNames[i] == name) return static_cast<EventKind>(i);
  return EventKind::other;
}

std::uint32_t required_fields(EventKind k) {
  const std::uint32_t alloc = bit(Field::call_site) | bit(Field::ptr) | bit(Field::bytes_req) |
                              bit(Field::bytes_alloc) | bit(Field::gfp_flags);
  const std::uint32_t page = bit(Field::page) | bit(Field::pfn) | bit(Field::order);
  switch (k) {
    case EventKind::kmalloc:
    case EventKind::kmem_cache_alloc:
      return alloc;
    case EventKind::kmalloc_node:
    case EventKind::kmem_cache_alloc_node:
      return alloc | bit(Field::node);
    case EventKind::kfree:
    case EventKind::kmem_cache_free:
      return bit(Field::call_site) | bit(Field::ptr);
    case EventKind::mm_page_alloc:
      return page | bit(Field::migratetype) | bit(Field::gfp_flags);
    case EventKind::mm_page_free:
    case EventKind::mm_page_free_direct:
    case EventKind::mm_page_free_batched:
      return page;
    case EventKind::mm_pagevec_free:
      return page | bit(Field::cold);
    case EventKind::mm_page_alloc_zone_locked:
      return page | bit(Field::migratetype) | bit(Field::percpu_refill);
    case EventKind::mm_page_pcpu_drain:
      return page | bit(Field::migratetype);
    case EventKind::mm_page_alloc_extfrag:
      return bit(Field::page) | bit(Field::pfn) | bit(Field::order) | bit(Field::fallback_order) |
             bit(Field::pageblock_order) | bit(Field::migratetype) |
             bit(Field::fallback_migratetype) | bit(Field::fragmenting) |
             bit(Field::change_ownership);
    case EventKind::other:
      return 0;
  }
  return 0;
}

}  // namespace allocsim::workloads::trace
