#pragma once
// The simulated kernel's memory management in one place, built in boot
// order: the page allocator, the highmem maps and page API, the object
// allocator chosen by kernel.slab (with its kmalloc caches), vmalloc (whose
// metadata comes from kmalloc), and one diagnostics log for workload bugs.
#include <memory>
#include <string>
#include <string_view>

#include "model/meta_alloc.hpp"
#include "model/object_allocator.hpp"
#include "model/page_api.hpp"
#include "model/vmalloc.hpp"

namespace allocsim::model {

class Kernel {
 public:
  Kernel(sim::Machine& machine, const KernelConfig& config);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  sim::Machine& machine() { return machine_; }
  PageAllocator& pages() { return pa_; }
  const PageAllocator& pages() const { return pa_; }
  Highmem& highmem() { return hm_; }
  PageApi& page_api() { return page_api_; }
  ObjectAllocator& slab() { return *slab_; }
  const ObjectAllocator& slab() const { return *slab_; }
  // RCU (model/rcu.hpp), booted with the object allocator.
  Rcu& rcu() { return slab_->rcu(); }
  const Rcu& rcu() const { return slab_->rcu(); }
  Vmalloc& vmalloc() { return *vmalloc_; }
  const Vmalloc& vmalloc() const { return *vmalloc_; }
  DiagnosticLog& diagnostics() { return diag_; }
  const DiagnosticLog& diagnostics() const { return diag_; }

  // A /proc (or debugfs) file in Linux's format: buddyinfo, pagetypeinfo,
  // zoneinfo, vmstat, extfrag_index, unusable_index, slabinfo, vmallocinfo.
  // Throws std::invalid_argument naming the choices for anything else.
  std::string proc(std::string_view name) const;
  static const std::vector<std::string_view>& proc_names();

 private:
  // vmalloc's vm_struct, vmap_area and pages[] come from kmalloc.
  struct KmallocMeta final : MetaAlloc {
    explicit KmallocMeta(ObjectAllocator*& oa) : oa_(oa) {}
    VirtAddr alloc(sim::Cpu& cpu, std::uint64_t bytes, int node) override;
    void free(sim::Cpu& cpu, VirtAddr addr) override;
    ObjectAllocator*& oa_;
  };

  sim::Machine& machine_;
  DiagnosticLog diag_;
  PageAllocator pa_;
  Highmem hm_;
  PageApi page_api_;
  std::unique_ptr<ObjectAllocator> slab_;
  ObjectAllocator* slab_raw_ = nullptr;
  KmallocMeta meta_;
  std::unique_ptr<Vmalloc> vmalloc_;
};

}  // namespace allocsim::model
