#include "model/kernel_pagetable.hpp"

#include <algorithm>

namespace allocsim::model {

namespace {
// Levels: 4 PGD, 3 PUD, 2 PMD, 1 PTE (x86_64); i386 non-PAE uses 4 (PGD) and 1.
constexpr unsigned kPgd = 4, kPud = 3, kPmd = 2, kPte = 1;
}  // namespace

KernelPageTables::KernelPageTables(PageAllocator& pa, Highmem& hm, const TlbConfig& tlb)
    : pa_(pa),
      hm_(hm),
      x86_64_(pa.machine().config().arch == sim::Arch::x86_64),
      tlb_(tlb, pa.machine().cpus()) {
  tlb_.set_huge_shift(x86_64_ ? 21 : 22);  // 2 MiB PMD leaves; 4 MiB PSE on i386
}

unsigned KernelPageTables::table_shift(unsigned level) const {
  if (!x86_64_) return level == kPte ? 22 : 32;
  return level == kPte ? 21 : level == kPmd ? 30 : level == kPud ? 39 : 48;
}

sim::PhysAddr KernelPageTables::table(unsigned level, VirtAddr v) const {
  if (level == kPgd) return pgd_;
  const auto it = tables_.find(key(level, v.value() >> table_shift(level)));
  return it == tables_.end() ? kNoTable : it->second;
}

sim::PhysAddr KernelPageTables::alloc_table(sim::Cpu& cpu, unsigned level, VirtAddr v) {
  if (const sim::PhysAddr t = table(level, v); t != kNoTable) return t;
  // pte_alloc_kernel / pmd_alloc / pud_alloc: a zeroed lowmem page.
  const std::optional<Pfn> pfn =
      pa_.alloc_pages(cpu, parse_gfp(pa_.flavour(), "GFP_KERNEL|__GFP_ZERO"), 0);
  if (!pfn) return kNoTable;
  ++table_pages_;
  const sim::PhysAddr t = pa_.pfn_to_phys(*pfn);
  tables_.emplace(key(level, v.value() >> table_shift(level)), t);
  return t;
}

bool KernelPageTables::boot(sim::Cpu& cpu) {
  if (pgd_ != kNoTable) return true;
  const std::optional<Pfn> pgd =
      pa_.alloc_pages(cpu, parse_gfp(pa_.flavour(), "GFP_KERNEL|__GFP_ZERO"), 0);
  if (!pgd) return false;
  ++table_pages_;
  pgd_ = pa_.pfn_to_phys(*pgd);
  if (!x86_64_) return true;  // i386: the PGD's PSE entries map lowmem directly
  // The linear map: a PUD page per 512 GiB and a PMD page (2 MiB leaves) per GiB.
  sim::PhysAddr top{};
  for (const sim::NodeMemory& m : pa_.machine().config().node_memory)
    top = std::max(top, m.start + m.bytes);
  for (sim::PhysAddr p{}; p < top; p += 1ull << 30) {
    const VirtAddr v = hm_.va(p);
    if (alloc_table(cpu, kPud, v) == kNoTable || alloc_table(cpu, kPmd, v) == kNoTable)
      return false;
  }
  return true;
}

sim::PhysAddr KernelPageTables::populate_pte(sim::Cpu& cpu, VirtAddr v) {
  if (!boot(cpu)) return kNoTable;
  if (x86_64_ && (alloc_table(cpu, kPud, v) == kNoTable || alloc_table(cpu, kPmd, v) == kNoTable))
    return kNoTable;
  const sim::PhysAddr pte = alloc_table(cpu, kPte, v);
  if (pte == kNoTable) return kNoTable;
  return pte_addr(v);
}

sim::PhysAddr KernelPageTables::pte_addr(VirtAddr v) const {
  const sim::PhysAddr t = table(kPte, v);
  if (t == kNoTable) return kNoTable;
  const std::uint64_t mask = x86_64_ ? 511 : 1023;
  return t + ((v.value() >> kPageShift) & mask) * entry_bytes();
}

void KernelPageTables::translate(sim::Cpu& cpu, VirtAddr v, bool huge) {
  const TlbHit hit = tlb_.lookup(cpu.id(), v, huge);
  if (hit == TlbHit::l1) return;
  cpu.spend(tlb_.config().stlb_hit);
  if (hit == TlbHit::stlb) return;
  // The page walk: one entry per level, from the top (read through the caches
  // like any load). The linear map stops one level early (large-page leaf).
  ++walks_;
  cpu.spend(tlb_.config().walk_overhead);
  const unsigned bytes = entry_bytes();
  auto read_entry = [&](unsigned level, unsigned entry_shift, std::uint64_t mask) {
    const sim::PhysAddr t = table(level, v);
    if (t != kNoTable) cpu.read(t + ((v.value() >> entry_shift) & mask) * bytes, bytes);
  };
  if (x86_64_) {
    read_entry(kPgd, 39, 511);
    read_entry(kPud, 30, 511);
    read_entry(kPmd, 21, 511);
    if (!huge) read_entry(kPte, 12, 511);
  } else {
    read_entry(kPgd, 22, 1023);
    if (!huge) read_entry(kPte, 12, 1023);
  }
  tlb_.fill(cpu.id(), v, huge);
}

void KernelPageTables::flush_kernel_range(sim::Cpu& cpu, VirtAddr start, VirtAddr end) {
  ++flushes_;
  const TlbConfig& c = tlb_.config();
  const std::uint64_t pages = (end - start + kPageSize - 1) >> kPageShift;
  // 2.6.32 x86 flush_tlb_kernel_range() is flush_tlb_all(); 6.8 (arch/x86/mm/tlb.c)
  // flushes page by page up to tlb_single_page_flush_ceiling.
  const bool all = pa_.flavour() == Flavour::linux_2_6 || pages > c.single_page_flush_ceiling;
  const std::uint32_t cpus = pa_.machine().cpus();
  for (sim::CpuId i = 0; i < cpus; ++i) {
    if (all)
      tlb_.flush_all(i);
    else
      tlb_.flush_range(i, start, end);
  }
  cpu.spend((all ? c.flush_local : c.invlpg * pages) + c.flush_per_cpu * (cpus - 1));
}

sim::Cycles KernelAccess::access(sim::Cpu& cpu, VirtAddr v, std::uint64_t bytes, bool write) {
  const sim::Cycles t0 = cpu.now();
  Highmem& hm = pt_.highmem();
  if (!pt_.boot(cpu)) return 0;
  while (bytes > 0) {
    if (v < hm.page_offset() || !hm.virt_to_page(v)) break;
    // One chunk per 4 KiB page (a large page holds many; each access still
    // looks up the large-page TLB entry).
    const std::uint64_t n =
        std::min<std::uint64_t>(bytes, kPageSize - (v.value() & (kPageSize - 1)));
    pt_.translate(cpu, v, true);
    const sim::PhysAddr p = hm.virt_to_phys(v);
    if (write)
      cpu.write(p, static_cast<std::uint32_t>(n));
    else
      cpu.read(p, static_cast<std::uint32_t>(n));
    v += n;
    bytes -= n;
  }
  return cpu.now() - t0;
}

}  // namespace allocsim::model
