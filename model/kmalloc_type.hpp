#pragma once
// The kmalloc cache types of linux-6.18 (enum kmalloc_cache_type,
// include/linux/slab.h) on an x86_64 kernel with ZONE_DMA and MEMCG and
// without CONFIG_RANDOM_KMALLOC_CACHES: normal `kmalloc-<size>`, reclaimable
// `kmalloc-rcl-<size>`, `dma-kmalloc-<size>` and memcg-accounted
// `kmalloc-cg-<size>`, each a separate set of caches of the same sizes. The
// older flavours have only the normal ones.
#include <array>
#include <string>
#include <string_view>

#include "model/gfp.hpp"

namespace allocsim::model {

// In creation (and enum) order: NORMAL, RECLAIM, DMA, CGROUP.
enum class KmallocType : std::uint8_t { normal, reclaim, dma, cgroup };
inline constexpr std::array<KmallocType, 3> kKmallocExtraTypes = {
    KmallocType::reclaim, KmallocType::dma, KmallocType::cgroup};

// The gfp bits kmalloc_type() tests, parsed once per flavour.
struct KmallocTypeBits {
  explicit KmallocTypeBits(Flavour f);
  Gfp dma, reclaimable, account;
};

// kmalloc_type(flags, caller) (6.18): none of __GFP_DMA, __GFP_RECLAIMABLE,
// __GFP_ACCOUNT -> normal; else DMA before RECLAIMABLE before ACCOUNT.
// `accounted` stands for __GFP_ACCOUNT (a trace event's accounted=true).
KmallocType kmalloc_type(const KmallocTypeBits& bits, Gfp gfp, bool accounted);

// "kmalloc-rcl-64", "dma-kmalloc-64", "kmalloc-cg-64" from "kmalloc-64".
std::string kmalloc_type_name(KmallocType t, std::string_view normal_name);

}  // namespace allocsim::model
