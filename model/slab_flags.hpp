#pragma once
// kmem_cache_create flags, with Linux's bit values (include/linux/slab.h; the
// values below are the same in 2.6.32 and 6.8), plus allocsim's own switch to
// turn colouring off for one cache.
#include <cstdint>
#include <string>
#include <string_view>

namespace allocsim::model {

using SlabFlags = std::uint32_t;
inline constexpr SlabFlags SLAB_CONSISTENCY_CHECKS = 0x00000100;  // 2.6: SLAB_DEBUG_FREE
inline constexpr SlabFlags SLAB_RED_ZONE = 0x00000400;
inline constexpr SlabFlags SLAB_POISON = 0x00000800;
inline constexpr SlabFlags SLAB_HWCACHE_ALIGN = 0x00002000;
inline constexpr SlabFlags SLAB_CACHE_DMA = 0x00004000;
inline constexpr SlabFlags SLAB_CACHE_DMA32 = 0x00008000;  // 6.x only
inline constexpr SlabFlags SLAB_STORE_USER = 0x00010000;
inline constexpr SlabFlags SLAB_RECLAIM_ACCOUNT = 0x00020000;
inline constexpr SlabFlags SLAB_PANIC = 0x00040000;
inline constexpr SlabFlags SLAB_TYPESAFE_BY_RCU = 0x00080000;  // 2.6: SLAB_DESTROY_BY_RCU
inline constexpr SlabFlags SLAB_NOLEAKTRACE = 0x00800000;
inline constexpr SlabFlags SLAB_ACCOUNT = 0x04000000;
inline constexpr SlabFlags SLAB_NO_MERGE = 0x01000000;  // 6.x
// allocsim: no colouring for this cache (SLAB), for comparisons.
inline constexpr SlabFlags SLAB_NO_COLOUR = 0x80000000u;

// "SLAB_HWCACHE_ALIGN|SLAB_PANIC" or a number; throws std::invalid_argument
// naming an unknown token.
SlabFlags parse_slab_flags(std::string_view text);

}  // namespace allocsim::model
