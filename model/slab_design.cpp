#include "model/slab_design.hpp"

#include <array>
#include <stdexcept>

#include "model/object_allocator.hpp"

namespace allocsim::model {

// Each design's factory, defined in its own source file.
std::unique_ptr<ObjectAllocator> make_slab(PageAllocator&, Highmem&, const SlabConfig&,
                                           DiagnosticLog&);
std::unique_ptr<ObjectAllocator> make_slub(PageAllocator&, Highmem&, const SlabConfig&,
                                           DiagnosticLog&);
std::unique_ptr<ObjectAllocator> make_slob(PageAllocator&, Highmem&, const SlabConfig&,
                                           DiagnosticLog&);
std::unique_ptr<ObjectAllocator> make_magazine(PageAllocator&, Highmem&, const SlabConfig&,
                                               DiagnosticLog&);

namespace {

// The one table of designs. SLOB left in 6.4 (commit "mm/slob: remove
// CONFIG_SLOB"), SLAB in 6.8 ("mm/slab: remove mm/slab.c and slab_def.h").
constexpr std::array<SlabDesign, 4> kSlabDesigns{{
    {{"slab", "SLAB", KmallocScheme::slab, true, true, false, true, "6.8"}, &make_slab},
    {{"slub", "SLUB", KmallocScheme::slub, true, true, true, false, ""}, &make_slub},
    {{"slob", "SLOB", KmallocScheme::slob, false, false, false, false, "6.4"}, &make_slob},
    // Bonwick and Adams (USENIX 2001): magazines and a depot over SLAB's slab layer.
    {{"magazine", "magazine", KmallocScheme::slab, true, true, false, true, ""}, &make_magazine},
}};

}  // namespace

std::span<const SlabDesign> slab_designs() {
  return kSlabDesigns;
}

std::vector<std::string> slab_design_names() {
  std::vector<std::string> out;
  for (const SlabDesign& d : kSlabDesigns) out.emplace_back(d.traits.name);
  return out;
}

const SlabDesign* find_slab_design(std::string_view name) {
  for (const SlabDesign& d : kSlabDesigns)
    if (d.traits.name == name) return &d;
  return nullptr;
}

const SlabDesign& slab_design(std::string_view name) {
  if (const SlabDesign* d = find_slab_design(name)) return *d;
  std::string known;
  for (const SlabDesign& d : kSlabDesigns)
    known += (known.empty() ? "" : ", ") + std::string(d.traits.name);
  throw std::invalid_argument("unknown object allocator '" + std::string(name) +
                              "' (registered: " + known + ")");
}

bool design_in_flavour(const SlabDesignTraits& d, Flavour f) {
  return f != Flavour::linux_6_18 || d.removed_in.empty();
}

}  // namespace allocsim::model
