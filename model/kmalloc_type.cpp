#include "model/kmalloc_type.hpp"

namespace allocsim::model {

KmallocTypeBits::KmallocTypeBits(Flavour f)
    : dma(parse_gfp(f, "__GFP_DMA")),
      reclaimable(parse_gfp(f, "__GFP_RECLAIMABLE")),
      account(f == Flavour::linux_2_6 ? Gfp{} : parse_gfp(f, "__GFP_ACCOUNT")) {}

KmallocType kmalloc_type(const KmallocTypeBits& bits, Gfp gfp, bool accounted) {
  if (gfp.bits & bits.dma.bits) return KmallocType::dma;
  if (gfp.bits & bits.reclaimable.bits) return KmallocType::reclaim;
  if (accounted || (gfp.bits & bits.account.bits)) return KmallocType::cgroup;
  return KmallocType::normal;
}

// new_kmalloc_cache's names (mm/slab_common.c, kmalloc_info[]).
std::string kmalloc_type_name(KmallocType t, std::string_view normal_name) {
  const std::string_view size = normal_name.substr(normal_name.find('-') + 1);
  switch (t) {
    case KmallocType::normal:
      return std::string(normal_name);
    case KmallocType::reclaim:
      return "kmalloc-rcl-" + std::string(size);
    case KmallocType::dma:
      return "dma-kmalloc-" + std::string(size);
    case KmallocType::cgroup:
      return "kmalloc-cg-" + std::string(size);
  }
  return std::string(normal_name);
}

}  // namespace allocsim::model
