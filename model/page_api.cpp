#include "model/page_api.hpp"

namespace allocsim::model {

VirtAddr PageApi::get_free_pages(sim::Cpu& cpu, Gfp gfp, unsigned order) {
  constexpr std::uint32_t kGfpHighmem = 0x02;  // __GFP_HIGHMEM in both generations
  if (gfp.bits & kGfpHighmem) {
    // 2.6.32: VM_BUG_ON(gfp_mask & __GFP_HIGHMEM). 6.8 masks the flag off.
    if (pa_.flavour() == Flavour::linux_2_6) {
      ++highmem_misuse_;
      return VirtAddr{};
    }
    gfp.bits &= ~kGfpHighmem;
  }
  const std::optional<Pfn> pfn = pa_.alloc_pages(cpu, gfp, order);
  return pfn ? hm_.page_address(*pfn) : VirtAddr{};
}

VirtAddr PageApi::get_zeroed_page(sim::Cpu& cpu, Gfp gfp) {
  const Gfp zero = parse_gfp(pa_.flavour(), "__GFP_ZERO");
  return get_free_pages(cpu, Gfp{gfp.bits | zero.bits}, 0);
}

bool PageApi::free_pages(sim::Cpu& cpu, VirtAddr addr, unsigned order) {
  if (!addr) return true;  // free_pages(0) is a no-op
  const std::optional<Pfn> pfn = hm_.virt_to_page(addr);
  // An address that maps no page is still handed to __free_pages' checks.
  return pa_.free_pages(cpu, pfn ? *pfn : Pfn(~std::uint64_t{0}), order);
}

}  // namespace allocsim::model
