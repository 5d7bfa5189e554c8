#pragma once
// Per-CPU data TLBs (x86, Skylake-like by default): a first-level DTLB for
// 4 KiB pages, another for large pages (2 MiB on x86_64, 4 MiB PSE on i386),
// and a second-level STLB shared by both page sizes. All set-associative with
// LRU replacement. The TLB only keeps translations; the page walk on a miss is
// charged by the caller (KernelPageTables), which knows the page-table entries.
//
// Defaults (Intel Skylake client, Intel optimisation manual table 2-6):
//   L1 DTLB 4K:  64 entries, 4-way
//   L1 DTLB 2M:  32 entries, 4-way
//   STLB:      1536 entries, 12-way, 4K and 2M pages
//   STLB hit:     9 cycles on top of the access
// The lookup path allocates nothing.
#include <cstdint>
#include <vector>

#include "sim/address.hpp"
#include "sim/types.hpp"

namespace allocsim::model {

struct TlbLevelConfig {
  std::uint32_t entries = 0;
  std::uint32_t ways = 1;
};

struct TlbConfig {
  TlbLevelConfig l1_4k{64, 4};
  TlbLevelConfig l1_huge{32, 4};
  TlbLevelConfig stlb{1536, 12};
  sim::Cycles stlb_hit = 9;       // extra latency of an L1 DTLB miss that hits the STLB
  sim::Cycles walk_overhead = 8;  // page-miss handler work besides its page-table reads
  // flush_tlb_kernel_range / flush_tlb_all: the initiating CPU pays the local
  // flush plus, per other online CPU, one IPI round trip (smp_call_function
  // waits for every acknowledgement): about 0.5 us at 2 GHz.
  sim::Cycles flush_local = 200;     // local full flush (CR4.PGE toggle / INVPCID all)
  sim::Cycles flush_per_cpu = 1000;  // IPI send + remote flush + acknowledgement, per CPU
  sim::Cycles invlpg = 100;          // one page flushed locally (INVLPG)
  // x86 tlb_single_page_flush_ceiling (6.8 arch/x86/mm/tlb.c): ranges longer than
  // this many pages are flushed whole.
  std::uint32_t single_page_flush_ceiling = 33;
};

enum class TlbHit : std::uint8_t { l1, stlb, miss };

class Tlb {
 public:
  Tlb(const TlbConfig& config, std::uint32_t cpus);

  // Looks the page up on `cpu`; on an STLB hit the L1 entry is filled, on a
  // miss nothing is filled (call fill() after the walk).
  TlbHit lookup(sim::CpuId cpu, sim::VirtAddr vaddr, bool huge);
  void fill(sim::CpuId cpu, sim::VirtAddr vaddr, bool huge);
  // Invalidates every entry of one CPU (global ones too).
  void flush_all(sim::CpuId cpu);
  // Invalidates the 4K entries of [start, end) and the large entries
  // overlapping it, on one CPU.
  void flush_range(sim::CpuId cpu, sim::VirtAddr start, sim::VirtAddr end);

  const TlbConfig& config() const { return config_; }
  unsigned huge_shift() const { return huge_shift_; }
  void set_huge_shift(unsigned s) { huge_shift_ = s; }

  struct Counters {
    std::uint64_t l1_hits = 0, stlb_hits = 0, misses = 0, flushes = 0;
  };
  const Counters& counters(sim::CpuId cpu) const { return counters_[cpu]; }
  Counters total() const;

 private:
  struct Entry {
    std::uint64_t tag = kInvalid;  // (virtual page number << 1) | huge
    std::uint64_t stamp = 0;       // last use, for LRU
  };
  static constexpr std::uint64_t kInvalid = ~0ull;
  struct Array {
    std::uint32_t sets = 0, ways = 0;
    std::vector<Entry> entries;  // cpu-major: cpus * sets * ways
    Entry* set(sim::CpuId cpu, std::uint64_t vpn) {
      return entries.data() + (static_cast<std::size_t>(cpu) * sets + vpn % sets) * ways;
    }
  };
  static Array make_array(const TlbLevelConfig& c, std::uint32_t cpus);
  bool probe(Array& a, sim::CpuId cpu, std::uint64_t vpn, std::uint64_t tag);
  void insert(Array& a, sim::CpuId cpu, std::uint64_t vpn, std::uint64_t tag);
  std::uint64_t tag_of(sim::VirtAddr vaddr, bool huge, std::uint64_t* vpn) const;

  TlbConfig config_;
  unsigned huge_shift_ = 21;
  Array l1_4k_, l1_huge_, stlb_;
  std::vector<std::uint64_t> clock_;  // per CPU use counter
  std::vector<Counters> counters_;
};

}  // namespace allocsim::model
