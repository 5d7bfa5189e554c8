#include "model/kernel.hpp"

#include <stdexcept>

#include "model/boot_caches.hpp"
#include "model/proc_page.hpp"
#include "model/proc_vmallocinfo.hpp"

namespace allocsim::model {

VirtAddr Kernel::KmallocMeta::alloc(sim::Cpu& cpu, std::uint64_t bytes, int node) {
  return oa_->kmalloc(cpu, bytes, parse_gfp(oa_->page_allocator().flavour(), "GFP_KERNEL"), node);
}

void Kernel::KmallocMeta::free(sim::Cpu& cpu, VirtAddr addr) {
  oa_->kfree(cpu, addr);
}

Kernel::Kernel(sim::Machine& machine, const KernelConfig& config)
    : machine_(machine),
      diag_(config.slab.stop_on_error),
      pa_(machine, config),
      hm_(pa_),
      page_api_(pa_, hm_),
      slab_(ObjectAllocator::create(pa_, hm_, config.slab, diag_)),
      slab_raw_(slab_.get()),
      meta_(slab_raw_) {
  pa_.set_diagnostics(&diag_);
  vmalloc_ = std::make_unique<Vmalloc>(pa_, hm_, diag_, meta_);
  slab_->set_vmalloc_range(vmalloc_->range().start, vmalloc_->range().end);
  create_boot_caches(*slab_);
}

Kernel::~Kernel() = default;

const std::vector<std::string_view>& Kernel::proc_names() {
  static const std::vector<std::string_view> names{"buddyinfo",     "pagetypeinfo",  "zoneinfo",
                                                   "vmstat",        "slabinfo",      "vmallocinfo",
                                                   "extfrag_index", "unusable_index"};
  return names;
}

std::string Kernel::proc(std::string_view name) const {
  if (name == "buddyinfo") return proc_buddyinfo(pa_);
  if (name == "pagetypeinfo") return proc_pagetypeinfo(pa_);
  if (name == "zoneinfo") return proc_zoneinfo(pa_, slab_.get());
  if (name == "vmstat") return proc_vmstat(pa_, slab_.get());
  if (name == "extfrag_index") return debugfs_extfrag_index(pa_);
  if (name == "unusable_index") return debugfs_unusable_index(pa_);
  if (name == "slabinfo") return slab_->slabinfo();
  if (name == "vmallocinfo") return proc_vmallocinfo(*vmalloc_);
  std::string choices;
  for (std::string_view n : proc_names()) choices += (choices.empty() ? "" : ", ") + std::string(n);
  throw std::invalid_argument("no /proc file \"" + std::string(name) + "\" (choose from " +
                              choices + ")");
}

}  // namespace allocsim::model
