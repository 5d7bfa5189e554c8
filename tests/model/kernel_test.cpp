// The assembled kernel: vmalloc metadata from kmalloc, the two cross-allocator
// misuses (kfree of vmalloc memory, vfree of kmalloc memory) and the /proc files.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "model/kernel.hpp"
#include "model_machines.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

class Assembled : public ::testing::TestWithParam<std::tuple<Flavour, std::string_view>> {};

TEST_P(Assembled, CrossAllocatorMisuseIsReportedAndProcFilesRender) {
  const auto [f, kind] = GetParam();
  sim::Machine m(testing::small_machine(2, 64), 1);
  KernelConfig kc = testing::kernel(f);
  kc.slab.design = kind;
  Kernel k(m, kc);
  sim::Cpu& cpu = m.cpu(0);
  const Gfp g = parse_gfp(f, "GFP_KERNEL");
  const std::uint64_t pages_before = k.slab().pages_held();
  const VirtAddr v = k.vmalloc().vmalloc(cpu, 64 * 1024, "test_caller");
  ASSERT_TRUE(v);
  EXPECT_GT(k.slab().pages_held() + k.slab().large_kmalloc_pages(), pages_before - 1);
  const sim::VirtAddr p = k.slab().kmalloc(cpu, 100, g);
  ASSERT_TRUE(p);
  EXPECT_FALSE(k.slab().kfree(cpu, v));
  EXPECT_EQ(k.diagnostics().count(DiagKind::kfree_vmalloc), 1u);
  EXPECT_FALSE(k.vmalloc().vfree(cpu, p));
  EXPECT_EQ(k.diagnostics().count(DiagKind::vfree_kmalloc), 1u);
  for (std::string_view name : Kernel::proc_names()) {
    if (f == Flavour::linux_2_6 && (name == "extfrag_index" || name == "unusable_index")) continue;
    const std::string text = k.proc(name);
    if (!slab_design(kind).traits.proc_slabinfo && name == "slabinfo")
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

// Bad page frees reach the kernel's log as the slab ones do (issue 18): CPU,
// cycle, pfn, the order given and the order allocated, and the kind.
TEST(KernelDiagnostics, BadPageFreesAreRecordedWithCpuCycleAndOrders) {
  sim::Machine m(testing::small_machine(2, 64), 1);
  Kernel k(m, testing::kernel(Flavour::linux_6));
  sim::Cpu& cpu = m.cpu(1);
  const Pfn p = *k.pages().alloc_pages(cpu, parse_gfp(Flavour::linux_6, "GFP_KERNEL"), 2);
  EXPECT_FALSE(k.pages().free_pages(cpu, p, 1));
  EXPECT_FALSE(k.pages().free_pages(cpu, Pfn(1u << 30), 0));
  EXPECT_FALSE(k.pages().free_pages(cpu, p + 1, 0));
  EXPECT_TRUE(k.pages().free_pages(cpu, p, 2));
  EXPECT_FALSE(k.pages().free_pages(cpu, p, 2));
  const DiagnosticLog& log = k.diagnostics();
  EXPECT_EQ(log.count(DiagKind::bad_order), 1u);
  EXPECT_EQ(log.count(DiagKind::not_a_page), 1u);
  EXPECT_EQ(log.count(DiagKind::bad_page_state), 1u);
  EXPECT_EQ(log.count(DiagKind::double_free), 1u);
  EXPECT_EQ(log.errors(), 4u);
  ASSERT_EQ(log.entries().size(), 4u);
  const Diagnostic& d = log.entries()[0];
  EXPECT_EQ(d.cpu, 1u);
  EXPECT_EQ(d.addr, p.value() << kPageShift);
  char want[160];
  std::snprintf(want, sizeof want,
                "cpu 1 at cycle %llu: bad order at 0x%llx: free_pages: pfn 0x%llx, order 1: freed "
                "with order 1, allocated with order 2",
                static_cast<unsigned long long>(d.time),
                static_cast<unsigned long long>(p.value() << kPageShift),
                static_cast<unsigned long long>(p.value()));
  EXPECT_EQ(DiagnosticLog::format(d), want);
  EXPECT_NE(DiagnosticLog::format(log.entries()[1])
                .find(": not a page of this machine at 0x40000000000: free_pages: pfn 0x40000000, "
                      "order 0: pfn outside memory"),
            std::string::npos)
      << DiagnosticLog::format(log.entries()[1]);
  k.pages().check_invariants();
}

TEST(KernelDiagnostics, ABadPageFreeStopsARunThatStopsOnErrors) {
  sim::Machine m(testing::small_machine(1, 64), 1);
  KernelConfig kc = testing::kernel(Flavour::linux_2_6);
  kc.slab.stop_on_error = true;
  Kernel k(m, kc);
  sim::Cpu& cpu = m.cpu(0);
  const Pfn p = *k.pages().alloc_pages(cpu, parse_gfp(Flavour::linux_2_6, "GFP_KERNEL"), 0);
  EXPECT_TRUE(k.pages().free_pages(cpu, p, 0));
  try {
    k.pages().free_pages(cpu, p, 0);
    FAIL() << "a double page free did not stop the run";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("double free"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("order 0: page already free"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(All, Assembled,
                         ::testing::Combine(::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                                            ::testing::ValuesIn(testing::every_design())));

}  // namespace
}  // namespace allocsim::model
