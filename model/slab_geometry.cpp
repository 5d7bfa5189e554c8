#include "model/slab_geometry.hpp"

#include <algorithm>

#include "model/kernel_math.hpp"
#include "model/slub_geometry.hpp"

namespace allocsim::model {
namespace {

using sim::Arch;

// 2.6.32 KMALLOC_MAX_ORDER = KMALLOC_SHIFT_HIGH (22) - PAGE_SHIFT; 6.5 MAX_ORDER: both 10.
constexpr unsigned kKmallocMaxOrder = 10;
constexpr std::uint32_t kBufctlSize = 4;       // 2.6.32 kmem_bufctl_t (unsigned int)
constexpr std::uint32_t kSlabLimit = ~0u - 3;  // 2.6.32 SLAB_LIMIT
constexpr std::uint32_t kFreelistIdxSize = 1;  // 6.5 freelist_idx_t: unsigned char on 4K pages
constexpr std::uint32_t kSlabObjMaxNum = 255;  // 6.5 SLAB_OBJ_MAX_NUM with a byte index
constexpr std::uint32_t kSlabObjMinSize = 16;  // 6.5 SLAB_OBJ_MIN_SIZE = min(KMALLOC_MIN_SIZE, 16)
// Debug-only flags: a non-DEBUG SLAB build does not lay objects out differently for them.
constexpr SlabFlags kDebugFlags = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;

// mm/slab.c:kmem_cache_init: the loop stops at order 1 (slab_break_gfp_order /
// slab_max_order = ..._HI) once totalram_pages > 32 MiB; 6.x `slab_max_order=` overrides it.
unsigned slab_break_order(const SlabParams& p) {
  if (p.flavour != Flavour::linux_2_6 && p.slab_max_order >= 0)
    return std::min<unsigned>(static_cast<unsigned>(p.slab_max_order), kMaxOrder);
  return p.totalram_pages > ((32ull << 20) >> kPageShift) ? 1 : 0;
}

struct OrderChoice {
  std::uint32_t num = 0, left_over = 0;
  unsigned order = 0;
};

// mm/slab.c:calculate_slab_order (2.6.32 and 6.5).
OrderChoice calculate_slab_order(const SlabParams& p, std::uint32_t size, std::uint32_t align,
                                 std::uint32_t object_size, SlabFlags flags, SlabMgmt mgmt,
                                 const SlabBootState& boot) {
  OrderChoice best;
  const unsigned break_order = slab_break_order(p);
  for (unsigned order = 0; order <= kKmallocMaxOrder; ++order) {
    const SlabEstimate est = slab_cache_estimate(p, order, size, align, mgmt);
    if (est.num == 0) continue;
    if (p.flavour == Flavour::linux_2_6) {
      // An off-slab descriptor must not need more bufctls than its own cache could hold,
      // or cache_grow could loop.
      if (mgmt == SlabMgmt::off_slab) {
        const std::uint32_t desc = slab_descriptor_size(p.arch);
        const std::uint32_t offslab_limit = size > desc ? (size - desc) / kBufctlSize : 0;
        if (est.num > offslab_limit) break;
      }
    } else {
      if (est.num > kSlabObjMaxNum) break;  // the byte-sized freelist index cannot count more
      if (mgmt == SlabMgmt::off_slab) {
        // The freelist comes from a kmalloc cache that must exist, be on-slab itself and be
        // at most half the (still unaligned) cachep->size. num <= 255 keeps the freelist
        // below KMALLOC_MAX_CACHE_SIZE.
        const SlabGeometry* fc =
            boot.general_cache ? boot.general_cache(est.num * kFreelistIdxSize) : nullptr;
        if (fc == nullptr || fc->mgmt == SlabMgmt::off_slab) continue;
        if (fc->size > object_size / 2) continue;
      }
    }
    best = {est.num, est.left_over, order};
    if (flags & SLAB_RECLAIM_ACCOUNT) break;  // GFP_NOFS-heavy caches stay small
    if (order >= break_order) break;
    if (std::uint64_t{est.left_over} * 8 <= (kPageSize << order)) break;  // waste <= 1/8
  }
  return best;
}

SlabGeometry geometry_2_6(const SlabParams& p, std::uint32_t size, std::uint32_t align,
                          SlabFlags flags, const SlabBootState& boot) {
  SlabGeometry g;
  const std::uint32_t bpw = bytes_per_word(p.arch);
  const std::uint32_t desc = slab_descriptor_size(p.arch);
  // mm/slab.c:kmem_cache_create (2.6.32)
  size = align_up(size, bpw);
  g.object_size = size;
  std::uint32_t ralign = bpw;
  if (flags & SLAB_HWCACHE_ALIGN) {
    ralign = p.cache_line;
    while (ralign > 1 && size <= ralign / 2) ralign /= 2;
  }
  ralign = std::max(ralign, align);  // ARCH_SLAB_MINALIGN is 0 on x86
  g.align = ralign;
  // Large objects get an off-slab descriptor, except while the boot caches are being made.
  SlabMgmt mgmt =
      (size >= (kPageSize >> 3) && !boot.early_init) ? SlabMgmt::off_slab : SlabMgmt::on_slab;
  size = align_up(size, g.align);
  g.size = size;

  const OrderChoice c = calculate_slab_order(p, size, g.align, size, flags, mgmt, boot);
  g.order = c.order;
  g.num = c.num;
  g.left_over = c.left_over;
  g.bufctl_size = kBufctlSize;
  if (g.num == 0) return g;  // "couldn't create cache"

  // Move the descriptor on-slab when the leftover can hold it (at the cost of colouring).
  std::uint32_t slab_size =
      static_cast<std::uint32_t>(align_up(std::uint64_t{g.num} * kBufctlSize + desc, g.align));
  if (mgmt == SlabMgmt::off_slab && g.left_over >= slab_size) {
    mgmt = SlabMgmt::on_slab;
    g.left_over -= slab_size;
  }
  if (mgmt == SlabMgmt::off_slab) slab_size = g.num * kBufctlSize + desc;  // kmalloc'ed, unaligned
  g.mgmt = mgmt;
  g.mgmt_size = slab_size;
  g.colour_off = std::max(p.cache_line, g.align);  // offsets must keep the alignment
  return g;
}

SlabGeometry geometry_6(const SlabParams& p, std::uint32_t size, std::uint32_t align,
                        SlabFlags flags, bool has_ctor, const SlabBootState& boot) {
  SlabGeometry g;
  const std::uint32_t bpw = bytes_per_word(p.arch);
  // mm/slab_common.c:create_cache -> calculate_alignment, then mm/slab.c:__kmem_cache_create
  g.object_size = size;
  g.align =
      std::max(bpw, slab_calculate_alignment(p.flavour, p.arch, p.cache_line, flags, align, size));
  g.colour_off = std::max(p.cache_line, g.align);
  std::uint32_t stride = align_up(align_up(size, bpw), g.align);
  if (stride < kSlabObjMinSize) stride = align_up(kSlabObjMinSize, g.align);  // byte index
  g.size = stride;
  g.bufctl_size = kFreelistIdxSize;

  auto take = [&](const OrderChoice& c, SlabMgmt mgmt) {
    g.order = c.order;
    g.num = c.num;
    g.left_over = c.left_over;
    g.mgmt = mgmt;
    g.mgmt_size = c.num * kFreelistIdxSize;  // freelist_size
  };
  auto order_for = [&](SlabMgmt mgmt) {
    return calculate_slab_order(p, stride, g.align, size, flags, mgmt, boot);
  };
  // set_objfreelist_slab_cache: the freelist lives in a free object, if it fits in one.
  OrderChoice c;
  if (!has_ctor && !(flags & SLAB_TYPESAFE_BY_RCU)) {
    c = order_for(SlabMgmt::obj_freelist);
    if (c.num != 0 && c.num * kFreelistIdxSize <= size) {
      take(c, SlabMgmt::obj_freelist);
      return g;
    }
  }
  // set_off_slab_cache: only when an on-slab index array would cost an object.
  if (!(flags & SLAB_NOLEAKTRACE)) {
    c = order_for(SlabMgmt::off_slab);
    if (c.num != 0 && c.left_over < c.num * kFreelistIdxSize) {
      take(c, SlabMgmt::off_slab);
      return g;
    }
  }
  take(order_for(SlabMgmt::on_slab), SlabMgmt::on_slab);  // set_on_slab_cache
  return g;
}

// Colouring `forced` (a study knob, after Bonwick 1994, section 4.1): a slab
// whose leftover gives fewer than two colours gives up as few objects as make
// room for two; a slab of one object first doubles its order. The management
// area stays sized for the objects the slab could hold.
void make_colour_room(const SlabParams& p, SlabGeometry& g) {
  const std::uint64_t need = 2ull * g.colour_off;
  if (g.num == 1 && g.left_over < need && g.order < kMaxOrder) {
    const SlabEstimate e = slab_cache_estimate(p, g.order + 1, g.size, g.align, g.mgmt);
    ++g.order;
    g.num = e.num;
    g.left_over = e.left_over;
    if (p.flavour != Flavour::linux_2_6)
      g.mgmt_size = g.num * kFreelistIdxSize;
    else if (g.mgmt == SlabMgmt::on_slab)
      g.mgmt_size = align_up(g.num * kBufctlSize + slab_descriptor_size(p.arch), g.align);
    else
      g.mgmt_size = g.num * kBufctlSize + slab_descriptor_size(p.arch);
  }
  while (g.left_over < need && g.num > 1) {
    --g.num;
    g.left_over += g.size;
  }
}

}  // namespace

std::uint32_t slab_descriptor_size(Arch arch) {
  return arch == Arch::x86_64 ? 48 : 28;
}

SlabEstimate slab_cache_estimate(const SlabParams& p, unsigned order, std::uint32_t size,
                                 std::uint32_t align, SlabMgmt mgmt) {
  const std::uint64_t slab_size = kPageSize << order;
  SlabEstimate e;
  if (p.flavour == Flavour::linux_2_6) {
    // mm/slab.c:cache_estimate (2.6.32): descriptor + one bufctl per object at the slab start.
    std::uint64_t mgmt_size = 0, num = 0;
    if (mgmt != SlabMgmt::on_slab) {
      num = slab_size / size;
    } else {
      const std::uint32_t desc = slab_descriptor_size(p.arch);
      num = (slab_size - desc) / (size + kBufctlSize);
      auto slab_mgmt_size = [&](std::uint64_t nr) {
        return align_up(desc + nr * kBufctlSize, align);
      };
      if (slab_mgmt_size(num) + num * size > slab_size) --num;
      num = std::min<std::uint64_t>(num, kSlabLimit);
      mgmt_size = slab_mgmt_size(num);
    }
    num = std::min<std::uint64_t>(num, kSlabLimit);
    e.num = static_cast<std::uint32_t>(num);
    e.left_over = static_cast<std::uint32_t>(slab_size - num * size - mgmt_size);
    return e;
  }
  // mm/slab.c:cache_estimate (6.5): an on-slab freelist takes one index per object at the end.
  const std::uint64_t per_obj = mgmt == SlabMgmt::on_slab ? size + kFreelistIdxSize : size;
  e.num = static_cast<std::uint32_t>(slab_size / per_obj);
  e.left_over = static_cast<std::uint32_t>(slab_size % per_obj);
  return e;
}

ArrayCacheSize slab_enable_cpucache(std::uint32_t size, unsigned possible_cpus) {
  // mm/slab.c:enable_cpucache (2.6.32 and 6.5, non-DEBUG)
  ArrayCacheSize a{};
  if (size > 131072)
    a.limit = 1;
  else if (size > kPageSize)
    a.limit = 8;
  else if (size > 1024)
    a.limit = 24;
  else if (size > 256)
    a.limit = 54;
  else
    a.limit = 120;
  a.shared = (size <= kPageSize && possible_cpus > 1) ? 8 : 0;
  a.batchcount = (a.limit + 1) / 2;
  return a;
}

SlabGeometry slab_geometry(const SlabParams& p, std::uint32_t size, std::uint32_t align,
                           SlabFlags flags, bool has_ctor, const SlabBootState& boot) {
  flags &= ~kDebugFlags;
  SlabGeometry g = p.flavour == Flavour::linux_2_6
                       ? geometry_2_6(p, size, align, flags, boot)
                       : geometry_6(p, size, align, flags, has_ctor, boot);
  if (g.num == 0) return g;
  if (p.colour_step) g.colour_off = std::max(p.colour_step, g.align);  // offsets keep the alignment
  if (p.colouring == SlabColouring::forced && !(flags & SLAB_NO_COLOUR) &&
      g.left_over / g.colour_off < 2)
    make_colour_room(p, g);
  // cachep->colour = left_over / colour_off: the number of distinct slab offsets.
  g.colour = (flags & SLAB_NO_COLOUR) ? 0 : g.left_over / g.colour_off;
  if (p.colour_max) g.colour = std::min(g.colour, p.colour_max);
  const ArrayCacheSize a = slab_enable_cpucache(g.size, p.possible_cpus);
  CpucacheTunables t{a.limit, a.batchcount, a.shared};
  if (p.cpucache_limit) {  // checked by the config reader
    CacheTunables given;
    given.limit = p.cpucache_limit;
    resolve_cpucache(given, p.flavour, t);
  }
  g.limit = t.limit;
  g.batchcount = t.batchcount;
  g.shared = t.shared;
  return g;
}

unsigned slab_next_colour(Flavour f, std::uint32_t& colour_next, std::uint32_t colour) {
  if (f == Flavour::linux_2_6) {
    // mm/slab.c:cache_grow (2.6.32): use colour_next, then advance it.
    const unsigned offset = colour_next;
    if (++colour_next >= colour) colour_next = 0;
    return offset;
  }
  // mm/slab.c:cache_grow_begin (6.5): advance first, then use.
  if (++colour_next >= colour) colour_next = 0;
  return colour_next < colour ? colour_next : 0;
}

}  // namespace allocsim::model
