#include "model/highmem.hpp"

#include <algorithm>

namespace allocsim::model {

namespace {
constexpr unsigned kLastPkmap = 1024;       // LAST_PKMAP, i386 without PAE
constexpr unsigned kKmTypeNr26 = 19;        // 2.6.32 i386 enum km_type entries
constexpr unsigned kKmMaxIdx6 = 16;         // 6.x KM_MAX_IDX
constexpr sim::Cycles kTlbFlushAll = 2000;  // flush_tlb_kernel_range: IPIs to every CPU
constexpr sim::Cycles kInvlpg = 100;        // one local TLB entry
constexpr std::size_t kMaxMisuse = 1024;
}  // namespace

Highmem::Highmem(PageAllocator& pa)
    : pa_(pa),
      highmem_(pa.machine().config().arch == sim::Arch::i386),
      atomic_slots_(pa.flavour() == Flavour::linux_2_6 ? kKmTypeNr26 : kKmMaxIdx6) {
  const sim::Arch arch = pa.machine().config().arch;
  page_offset_ = VirtAddr(arch == sim::Arch::i386              ? 0xC0000000ull
                          : pa.flavour() == Flavour::linux_2_6 ? 0xffff880000000000ull
                                                               : 0xffff888000000000ull);
  atomic_stack_.assign(pa.machine().cpus(), {});
  for (auto& s : atomic_stack_) s.reserve(atomic_slots_);
  waiters_.reserve(pa.machine().cpus());
  if (!highmem_) return;
  pkmap_count_.assign(kLastPkmap, 0);
  pkmap_page_.assign(kLastPkmap, Pfn{});
  sim::BootMemory& boot = pa.machine().boot_memory();
  const sim::PhysAddr limit = pa.machine().lowmem_limit();
  pkmap_pte_ = boot.alloc(kLastPkmap * 4, kPageSize, 0, limit);
  pkmap_count_addr_ = boot.alloc(kLastPkmap * 4, 64, 0, limit);
  kmap_lock_ =
      std::make_unique<sim::SpinLock>(pa.machine().make_lock(pkmap_count_addr_ - 64, "kmap_lock"));
}

void Highmem::note(const std::string& what) {
  if (misuse_.size() < kMaxMisuse) misuse_.push_back(what);
}

VirtAddr Highmem::page_address(Pfn pfn) const {
  if (!pa_.is_highmem(pfn)) return va(pa_.pfn_to_phys(pfn));  // lowmem_page_address
  for (unsigned i = 0; i < pkmap_count_.size(); ++i)
    if (pkmap_count_[i] >= 1 && pkmap_page_[i] == pfn) return pkmap_base_ + i * kPageSize;
  return VirtAddr{};
}

std::optional<Pfn> Highmem::virt_to_page(VirtAddr v) const {
  if (highmem_ && v >= pkmap_base_ && v < pkmap_base_ + kLastPkmap * kPageSize) {
    const unsigned i = static_cast<unsigned>((v - pkmap_base_) >> kPageShift);
    if (pkmap_count_[i] == 0) return std::nullopt;
    return pkmap_page_[i];
  }
  if (v < page_offset_) return std::nullopt;
  const Pfn pfn = pa_.phys_to_pfn(pa(v));
  if (!pa_.mem_map().contains(pfn) || pa_.is_highmem(pfn)) return std::nullopt;
  return pfn;
}

sim::PhysAddr Highmem::virt_to_phys(VirtAddr v) const {
  const std::optional<Pfn> pfn = virt_to_page(v);
  return pfn ? pa_.pfn_to_phys(*pfn) + (v.value() & (kPageSize - 1)) : sim::PhysAddr{};
}

// flush_all_zero_pkmaps: every entry mapped but unused is cleared, then one
// global TLB flush.
void Highmem::flush_all_zero_pkmaps(sim::Cpu& cpu) {
  ++flushes_;
  for (unsigned i = 0; i < kLastPkmap; ++i) {
    cpu.read(pkmap_count_addr_ + i * 4, 4);
    if (pkmap_count_[i] != 1) continue;
    pkmap_count_[i] = 0;
    cpu.write(pkmap_count_addr_ + i * 4, 4);
    cpu.write(pkmap_pte_ + i * 4, 4);  // pte_clear
  }
  cpu.spend(kTlbFlushAll);
}

unsigned Highmem::map_new_virtual(sim::Cpu& cpu, Pfn pfn) {
  unsigned count = kLastPkmap;
  for (;;) {
    last_pkmap_nr_ = (last_pkmap_nr_ + 1) & (kLastPkmap - 1);
    if (last_pkmap_nr_ == 0) {  // wrapped: reclaim the entries nobody uses any more
      flush_all_zero_pkmaps(cpu);
      count = kLastPkmap;
    }
    cpu.read(pkmap_count_addr_ + last_pkmap_nr_ * 4, 4);
    if (pkmap_count_[last_pkmap_nr_] == 0) {
      const unsigned nr = last_pkmap_nr_;
      cpu.write(pkmap_pte_ + nr * 4, 4);  // set_pte_at
      pkmap_count_[nr] = 1;
      pkmap_page_[nr] = pfn;
      cpu.write(pkmap_count_addr_ + nr * 4, 4);
      return nr;
    }
    if (--count) continue;
    // No free entry: sleep on pkmap_map_wait until a kunmap frees one.
    ++waits_;
    waiters_.push_back(&cpu);
    cpu.unlock(*kmap_lock_);
    cpu.block();
    cpu.lock(*kmap_lock_);
    for (unsigned i = 0; i < kLastPkmap; ++i)  // someone else may have mapped it meanwhile
      if (pkmap_count_[i] >= 1 && pkmap_page_[i] == pfn) return i;
    count = kLastPkmap;
  }
}

VirtAddr Highmem::kmap(sim::Cpu& cpu, Pfn pfn) {
  if (!pa_.is_highmem(pfn)) return page_address(pfn);
  cpu.lock(*kmap_lock_);
  unsigned nr = kLastPkmap;
  for (unsigned i = 0; i < kLastPkmap; ++i)  // page_address() via the page_address_htable
    if (pkmap_count_[i] >= 1 && pkmap_page_[i] == pfn) nr = i;
  if (nr == kLastPkmap) nr = map_new_virtual(cpu, pfn);
  ++pkmap_count_[nr];
  cpu.write(pkmap_count_addr_ + nr * 4, 4);
  cpu.unlock(*kmap_lock_);
  return pkmap_base_ + nr * kPageSize;
}

void Highmem::kunmap(sim::Cpu& cpu, Pfn pfn) {
  if (!pa_.is_highmem(pfn)) return;
  cpu.lock(*kmap_lock_);
  unsigned nr = kLastPkmap;
  for (unsigned i = 0; i < kLastPkmap; ++i)
    if (pkmap_count_[i] > 1 && pkmap_page_[i] == pfn) nr = i;
  if (nr == kLastPkmap) {
    cpu.unlock(*kmap_lock_);
    note("kunmap of pfn " + std::to_string(pfn.value()) + ", which is not kmapped");
    return;
  }
  cpu.write(pkmap_count_addr_ + nr * 4, 4);
  if (--pkmap_count_[nr] == 1 && !waiters_.empty()) {  // wake_up(&pkmap_map_wait): all of them
    for (sim::Cpu* w : waiters_) w->wake(cpu.now());
    waiters_.clear();
  }
  cpu.unlock(*kmap_lock_);
}

VirtAddr Highmem::kmap_atomic(sim::Cpu& cpu, Pfn pfn) {
  if (!pa_.is_highmem(pfn)) return page_address(pfn);
  auto& stack = atomic_stack_[cpu.id()];
  if (stack.size() >= atomic_slots_) {
    note("kmap_atomic on CPU " + std::to_string(cpu.id()) + " beyond its " +
         std::to_string(atomic_slots_) + " slots");
    return VirtAddr{};
  }
  const std::size_t idx = cpu.id() * atomic_slots_ + stack.size();
  stack.push_back(pfn);
  cpu.write(pa_.machine().percpu_base(cpu.id()) + 128 + (stack.size() - 1) * 4,
            4);  // the fixmap pte
  cpu.spend(kInvlpg);
  return fixmap_top_ - idx * kPageSize;
}

void Highmem::kunmap_atomic(sim::Cpu& cpu, VirtAddr v) {
  if (v >= page_offset_ && v < pkmap_base_) return;  // a lowmem address: nothing was mapped
  auto& stack = atomic_stack_[cpu.id()];
  const VirtAddr top =
      stack.empty() ? VirtAddr{}
                    : fixmap_top_ - (cpu.id() * atomic_slots_ + stack.size() - 1) * kPageSize;
  if (stack.empty() || v != top) {
    note("kunmap_atomic of a slot that is not the last mapped on CPU " + std::to_string(cpu.id()));
    return;
  }
  stack.pop_back();
  cpu.write(pa_.machine().percpu_base(cpu.id()) + 128 + stack.size() * 4, 4);
  cpu.spend(kInvlpg);
}

}  // namespace allocsim::model
