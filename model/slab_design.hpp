#pragma once
// The registry of object-allocator designs: every design that `kernel.slab`
// can name registers here once, with the properties the rest of the simulator
// asks of it (config validation, kmalloc's size classes, /proc/slabinfo, the
// run summary). Adding a design is one header, one source file and one entry
// in kSlabDesigns (model/slab_design.cpp); docs/architecture.md walks through it.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/flavour.hpp"
#include "model/kernel_config.hpp"
#include "model/kmalloc_index.hpp"

namespace allocsim::model {

class ObjectAllocator;
class PageAllocator;
class Highmem;
class DiagnosticLog;

// What a design is, as far as code outside the design needs to know.
struct SlabDesignTraits {
  std::string_view name;          // the value of kernel.slab
  std::string_view display_name;  // the run summary's name
  KmallocScheme kmalloc;          // whose kmalloc caches and size classes it boots with
  bool proc_slabinfo;             // has /proc/slabinfo (CONFIG_SLOB has none)
  bool own_slabs;                 // each cache has slabs of its own, so kmem_cache_free
                                  // knows an object's cache (SLOB's share one heap)
  bool slub_layout;               // lays objects out as SLUB (free pointer, calculate_order)
  bool cache_reap;                // has SLAB's periodic cache_reap work (the workload op)
  std::string_view removed_in;    // the Linux release that removed it; "" when linux-6.18
                                  // has it or it is a research design (allowed everywhere)
};

using SlabDesignFactory = std::unique_ptr<ObjectAllocator> (*)(PageAllocator&, Highmem&,
                                                               const SlabConfig&, DiagnosticLog&);

struct SlabDesign {
  SlabDesignTraits traits;
  SlabDesignFactory make;
};

// Every registered design, in registration order.
std::span<const SlabDesign> slab_designs();
std::vector<std::string> slab_design_names();
// Null for a name no design registered.
const SlabDesign* find_slab_design(std::string_view name);
// Throws std::invalid_argument naming the registered designs.
const SlabDesign& slab_design(std::string_view name);
// Whether a kernel of flavour `f` can run the design (linux-6.18 has no
// design Linux removed before it).
bool design_in_flavour(const SlabDesignTraits& d, Flavour f);

}  // namespace allocsim::model
