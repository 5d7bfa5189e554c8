#include "model/slub_geometry.hpp"

#include <algorithm>

#include "model/kernel_math.hpp"

namespace allocsim::model {
namespace {

std::uint32_t order_objects(unsigned order, std::uint32_t size) {
  return static_cast<std::uint32_t>((kPageSize << order) / size);
}

// 2.6.32: page->objects is a u16; 6.x: slab->objects is 15 bits.
std::uint32_t max_objs_per_page(Flavour f) {
  return f == Flavour::linux_2_6 ? 65535 : 32767;
}

// min_objects as calculate_order starts from it (both flavours): 4 * (fls(nr_cpus) + 1),
// limited to what a slab of slub_max_order holds.
std::uint32_t min_objects_for(const SlubParams& p, std::uint32_t size) {
  std::uint32_t min_objects = p.slub_min_objects;
  if (min_objects == 0) min_objects = 4 * (fls(p.nr_cpus) + 1);
  std::uint32_t max_objects = order_objects(p.slub_max_order, size);
  if (p.flavour != Flavour::linux_2_6) max_objects = std::max(max_objects, 1u);
  return std::min(min_objects, max_objects);
}

// mm/slub.c:slab_order (2.6.32): first order from the one holding min_objects whose waste
// is at most 1/fract of the slab.
unsigned slab_order_2_6(const SlubParams& p, std::uint32_t size, std::uint32_t min_objects,
                        unsigned max_order, std::uint32_t fract) {
  if (order_objects(p.slub_min_order, size) > max_objs_per_page(p.flavour))
    return get_order(std::uint64_t{size} * max_objs_per_page(p.flavour)) - 1;
  const std::uint64_t need = std::uint64_t{min_objects} * size;
  unsigned order = std::max(p.slub_min_order, get_order(need));
  for (; order <= max_order; ++order) {
    const std::uint64_t slab_size = kPageSize << order;
    if (slab_size < need) continue;
    if (slab_size % size <= slab_size / fract) break;
  }
  return order;
}

// mm/slub.c:calculate_order (2.6.32; the 6.5 loop is the same): back off the waste fraction
// first, then the number of objects.
int calculate_order_2_6(const SlubParams& p, std::uint32_t size) {
  for (std::uint32_t min_objects = min_objects_for(p, size); min_objects > 1; --min_objects) {
    for (std::uint32_t fraction = 16; fraction >= 4; fraction /= 2) {
      const unsigned order = slab_order_2_6(p, size, min_objects, p.slub_max_order, fraction);
      if (order <= p.slub_max_order) return static_cast<int>(order);
    }
  }
  // A single object per slab, first within slub_max_order, then within MAX_ORDER (11, exclusive).
  unsigned order = slab_order_2_6(p, size, 1, p.slub_max_order, 1);
  if (order <= p.slub_max_order) return static_cast<int>(order);
  order = slab_order_2_6(p, size, 1, kNrOrders, 1);
  if (order < kNrOrders) return static_cast<int>(order);
  return -1;
}

// mm/slub.c:calc_slab_order (6.8): first order in [min_order, max_order] wasting at most
// 1/fract of the slab; max_order + 1 if none.
unsigned calc_slab_order_6(std::uint32_t size, unsigned min_order, unsigned max_order,
                           std::uint32_t fract) {
  unsigned order = min_order;
  for (; order <= max_order; ++order) {
    const std::uint64_t slab_size = kPageSize << order;
    if (slab_size % size <= slab_size / fract) break;
  }
  return order;
}

// mm/slub.c:calculate_order (6.8): the order is fixed by min_objects, then only the waste
// fraction backs off.
int calculate_order_6(const SlubParams& p, std::uint32_t size) {
  const std::uint32_t min_objects = min_objects_for(p, size);
  const unsigned min_order =
      std::max(p.slub_min_order, get_order(std::uint64_t{min_objects} * size));
  if (order_objects(min_order, size) > max_objs_per_page(p.flavour))
    return static_cast<int>(get_order(std::uint64_t{size} * max_objs_per_page(p.flavour))) - 1;
  for (std::uint32_t fraction = 16; fraction > 1; fraction /= 2) {
    const unsigned order = calc_slab_order_6(size, min_order, p.slub_max_order, fraction);
    if (order <= p.slub_max_order) return static_cast<int>(order);
  }
  const unsigned order = get_order(size);  // cannot fit within slub_max_order
  return order <= kMaxOrder ? static_cast<int>(order) : -1;
}

}  // namespace

std::uint32_t slab_calculate_alignment(Flavour f, sim::Arch arch, std::uint32_t cache_line,
                                       SlabFlags flags, std::uint32_t align, std::uint32_t size) {
  // mm/slab_common.c:calculate_alignment (6.x), mm/slub.c:calculate_alignment (2.6.32): the
  // same rule. 2.6.32 SLAB computes its own (BYTES_PER_WORD, no minimum) in slab_geometry.
  (void)f;
  if (flags & SLAB_HWCACHE_ALIGN) {
    // Small objects share a line: halve the line while the object fits in half of it.
    std::uint32_t ralign = cache_line;
    while (ralign > 1 && size <= ralign / 2) ralign /= 2;
    align = std::max(align, ralign);
  }
  align = std::max<std::uint32_t>(align, 8);  // ARCH_SLAB_MINALIGN: __alignof__(unsigned long long)
  return align_up(align, bytes_per_word(arch));  // ALIGN(align, sizeof(void *))
}

int slub_calculate_order(const SlubParams& p, std::uint32_t size) {
  if (size == 0) return -1;
  return p.flavour == Flavour::linux_2_6 ? calculate_order_2_6(p, size)
                                         : calculate_order_6(p, size);
}

std::string check_kmem_cache_args(Flavour f, std::uint32_t object_size, SlabFlags flags,
                                  const KmemCacheArgs& args) {
  if (f != Flavour::linux_6_18 && (args.freeptr_offset || args.sheaf_capacity))
    return "freeptr_offset and sheaf_capacity are linux-6.18 kmem_cache_args";
  if (args.freeptr_offset) {  // mm/slab_common.c:create_cache (6.18)
    if (*args.freeptr_offset >= object_size) return "freeptr_offset must lie inside the object";
    if (!(flags & SLAB_TYPESAFE_BY_RCU)) return "freeptr_offset needs SLAB_TYPESAFE_BY_RCU";
    if (*args.freeptr_offset % 8) return "freeptr_offset must be 8-byte aligned";
  }
  return {};
}

SlubGeometry slub_geometry(const SlubParams& p, std::uint32_t object_size, std::uint32_t align,
                           SlabFlags flags, bool has_ctor, const KmemCacheArgs& args) {
  // mm/slub.c:calculate_sizes. slub_debug is off: red zones and tracking add nothing.
  const std::uint32_t ptr = bytes_per_word(p.arch);
  SlubGeometry g;
  g.object_size = object_size;
  std::uint32_t size = align_up(object_size, ptr);  // the free pointer sits on a word
  g.inuse = size;
  const bool rcu_freeptr =
      (flags & SLAB_TYPESAFE_BY_RCU) && args.freeptr_offset && p.flavour == Flavour::linux_6_18;
  if (((flags & SLAB_TYPESAFE_BY_RCU) && !rcu_freeptr) || (flags & SLAB_POISON) || has_ctor) {
    // The object's contents must survive while it is free: free pointer after the object.
    g.offset = size;
    size += ptr;
  } else if (rcu_freeptr) {
    // 6.12+: the creator names a word that may be overwritten while free
    // (vm_area_struct's vm_freeptr), so no extra word is needed.
    g.offset = *args.freeptr_offset;
  } else if (p.flavour != Flavour::linux_2_6) {
    // 6.x: in the middle, away from the ends that overflows tend to hit.
    g.offset = object_size / 2 / ptr * ptr;
  } else {
    g.offset = 0;  // 2.6.32: the first word
  }
  g.align = slab_calculate_alignment(p.flavour, p.arch, p.cache_line, flags, align, object_size);
  size = align_up(size, g.align);
  g.size = size;
  g.min_objects = min_objects_for(p, size);

  const int order = slub_calculate_order(p, size);
  if (order < 0) return g;  // -ENOSYS: no objects
  g.order = static_cast<unsigned>(order);
  g.objects = order_objects(g.order, size);  // oo_make
  g.min_order = get_order(size);             // s->min

  // kmem_cache_open: min_partial = clamp(ilog2(size) [6.x: / 2], MIN_PARTIAL, MAX_PARTIAL).
  unsigned log = ilog2(size);
  if (p.flavour != Flavour::linux_2_6) log /= 2;
  g.min_partial = std::clamp(log, 5u, 10u);  // kmem_cache_open / set_min_partial

  // set_cpu_partial (6.x; 2.6.32 has no per-CPU partial lists).
  if (p.flavour != Flavour::linux_2_6) {
    if (size >= kPageSize)
      g.cpu_partial = 6;
    else if (size >= 1024)
      g.cpu_partial = 24;
    else if (size >= 256)
      g.cpu_partial = 52;
    else
      g.cpu_partial = 120;
    slub_set_cpu_partial(g, p.cpu_partial ? *p.cpu_partial : g.cpu_partial);
  }
  if (p.min_partial) slub_set_min_partial(p.flavour, g, *p.min_partial);
  return g;
}

void slub_set_cpu_partial(SlubGeometry& g, unsigned nr_objects) {
  // mm/slub.c:slub_set_cpu_partial (6.x): slabs assumed half full.
  g.cpu_partial = nr_objects;
  g.cpu_partial_slabs = g.objects ? (nr_objects * 2 + g.objects - 1) / g.objects : 0;
}

void slub_set_min_partial(Flavour f, SlubGeometry& g, std::uint64_t min) {
  // 2.6.32 min_partial_store -> set_min_partial clamps to MIN_PARTIAL..MAX_PARTIAL;
  // 6.x min_partial_store sets s->min_partial as written.
  g.min_partial = f == Flavour::linux_2_6 ? std::clamp<std::uint64_t>(min, 5, 10) : min;
}

}  // namespace allocsim::model
