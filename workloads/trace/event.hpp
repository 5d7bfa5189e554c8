#pragma once
// One kmem tracepoint occurrence, as parsed from a trace file. Field names
// follow the kernel's TP_printk in include/trace/events/kmem.h (2.6.32 and
// 6.x). Strings are ids into the owning Trace's
// StringPool, so an event is a small trivially copyable value.
#include <array>
#include <cstdint>
#include <string_view>

namespace allocsim::workloads::trace {

using StrId = std::uint32_t;  // 0 is the empty string

enum class EventKind : std::uint8_t {
  kmalloc,
  kmalloc_node,
  kfree,
  kmem_cache_alloc,
  kmem_cache_alloc_node,
  kmem_cache_free,
  mm_page_alloc,
  mm_page_free,
  mm_page_free_direct,
  mm_page_free_batched,
  mm_pagevec_free,
  mm_page_alloc_zone_locked,
  mm_page_pcpu_drain,
  mm_page_alloc_extfrag,
  other,  // any other event; its name is in TraceEvent::event_name
};
inline constexpr std::size_t kEventKinds = static_cast<std::size_t>(EventKind::other) + 1;

// The tracepoint name ("kmalloc", ...; "other" for EventKind::other).
std::string_view kind_name(EventKind k);
// The kind for a tracepoint name, EventKind::other when not a kmem event above.
EventKind kind_from_name(std::string_view name);

// Which fields an event carries (bit per Field in TraceEvent::fields).
enum class Field : std::uint8_t {
  call_site,  // numeric (call_site) or symbolic (call_site_sym)
  ptr,
  bytes_req,
  bytes_alloc,
  gfp_flags,
  node,
  accounted,
  name,
  page,
  pfn,
  order,
  migratetype,
  percpu_refill,
  cold,
  fallback_order,  // mm_page_alloc_extfrag: alloc_order is `order`, alloc_migratetype `migratetype`
  pageblock_order,
  fallback_migratetype,
  fragmenting,
  change_ownership,
};
inline constexpr std::size_t kFields = static_cast<std::size_t>(Field::change_ownership) + 1;
constexpr std::uint32_t bit(Field f) {
  return std::uint32_t{1} << static_cast<unsigned>(f);
}

struct TraceEvent {
  std::uint64_t ts_ns = 0;      // trace clock, secs.usecs scaled to ns
  std::uint64_t call_site = 0;  // when numeric (2.6/3.x %lx, perf, options/fields)
  std::uint64_t ptr = 0;        // 0 for "(null)"; hashed %p values kept as printed
  std::uint64_t bytes_req = 0;
  std::uint64_t bytes_alloc = 0;
  std::uint64_t gfp_value = 0;  // when gfp_flags was printed in hex (gfp_numeric)
  std::uint64_t page = 0;       // struct page pointer (0 for "(null)")
  std::uint64_t pfn = 0;        // decimal %lu before 5.x, 0x%lx in 6.x
  std::uint32_t line = 0;       // 1-based line of the source file
  std::int32_t pid = -1;        // -1 when the line has no comm-pid column
  std::int32_t node = -1;
  StrId comm = 0;
  StrId call_site_sym = 0;       // "func+0xoff/0xlen" (%pS) when not numeric
  StrId gfp_text = 0;            // gfp_flags exactly as printed
  StrId name = 0;                // kmem_cache_free name= (6.x)
  StrId event_name = 0;          // set for EventKind::other
  std::uint32_t fields = 0;      // bit(Field) of every field present
  std::int16_t cpu = -1;         // -1 when the line has no [cpu] column
  std::int16_t order = 0;        // order / alloc_order
  std::int16_t migratetype = 0;  // migratetype / alloc_migratetype
  std::int16_t fallback_order = 0;
  std::int16_t pageblock_order = 0;
  std::int16_t fallback_migratetype = 0;
  EventKind kind = EventKind::other;
  bool gfp_numeric = false;
  bool accounted = false;
  std::uint8_t percpu_refill = 0;
  std::uint8_t cold = 0;
  std::uint8_t fragmenting = 0;
  std::uint8_t change_ownership = 0;

  bool has(Field f) const { return (fields & bit(f)) != 0; }
};

// Fields a well-formed line of the kind prints in every kernel generation
// (the 2.6.32 subset); an event lacking one is counted as incomplete.
std::uint32_t required_fields(EventKind k);

}  // namespace allocsim::workloads::trace
