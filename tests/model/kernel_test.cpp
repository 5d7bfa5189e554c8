// The assembled kernel: vmalloc metadata from kmalloc, the two cross-allocator
// misuses (kfree of vmalloc memory, vfree of kmalloc memory) and the /proc files.
#include <gtest/gtest.h>

#include "model/kernel.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

class Assembled : public ::testing::TestWithParam<std::tuple<Flavour, SlabKind>> {};

TEST_P(Assembled, CrossAllocatorMisuseIsReportedAndProcFilesRender) {
  const auto [f, kind] = GetParam();
  sim::Machine m(testing::small_machine(2, 64), 1);
  KernelConfig kc = testing::kernel(f);
  kc.slab.kind = kind;
  Kernel k(m, kc);
  sim::Cpu& cpu = m.cpu(0);
  const Gfp g = parse_gfp(f, "GFP_KERNEL");
  const std::uint64_t pages_before = k.slab().pages_held();
  const VirtAddr v = k.vmalloc().vmalloc(cpu, 64 * 1024, "test_caller");
  ASSERT_NE(v, 0u);
  EXPECT_GT(k.slab().pages_held() + k.slab().large_kmalloc_pages(), pages_before - 1);
  const std::uint64_t p = k.slab().kmalloc(cpu, 100, g);
  ASSERT_NE(p, 0u);
  EXPECT_FALSE(k.slab().kfree(cpu, v));
  EXPECT_EQ(k.diagnostics().count(DiagKind::kfree_vmalloc), 1u);
  EXPECT_FALSE(k.vmalloc().vfree(cpu, p));
  EXPECT_EQ(k.diagnostics().count(DiagKind::vfree_kmalloc), 1u);
  for (std::string_view name : Kernel::proc_names()) {
    if (f == Flavour::linux_2_6 && (name == "extfrag_index" || name == "unusable_index")) continue;
    const std::string text = k.proc(name);
    if (kind == SlabKind::slob && name == "slabinfo")
      EXPECT_TRUE(text.empty());  // CONFIG_SLABINFO needs SLAB or SLUB
    else
      EXPECT_FALSE(text.empty()) << name;
  }
  EXPECT_NE(k.proc("vmallocinfo").find("test_caller"), std::string::npos);
  EXPECT_THROW(k.proc("meminfo"), std::invalid_argument);
  EXPECT_TRUE(k.vmalloc().vfree(cpu, v));
  EXPECT_TRUE(k.slab().kfree(cpu, p));
  EXPECT_EQ(k.diagnostics().errors(), 2u);
  k.slab().check_invariants();
  k.pages().check_invariants();
}

INSTANTIATE_TEST_SUITE_P(All, Assembled,
                         ::testing::Combine(::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                                            ::testing::Values(SlabKind::slab, SlabKind::slub,
                                                              SlabKind::slob)));

}  // namespace
}  // namespace allocsim::model
