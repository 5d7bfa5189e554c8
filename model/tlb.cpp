#include "model/tlb.hpp"

#include <stdexcept>

namespace allocsim::model {

Tlb::Array Tlb::make_array(const TlbLevelConfig& c, std::uint32_t cpus) {
  if (c.ways == 0 || c.entries == 0 || c.entries % c.ways != 0)
    throw std::invalid_argument("TLB entries must be a non-zero multiple of its ways");
  Array a;
  a.ways = c.ways;
  a.sets = c.entries / c.ways;
  a.entries.assign(static_cast<std::size_t>(cpus) * c.entries, Entry{});
  return a;
}

Tlb::Tlb(const TlbConfig& config, std::uint32_t cpus)
    : config_(config),
      l1_4k_(make_array(config.l1_4k, cpus)),
      l1_huge_(make_array(config.l1_huge, cpus)),
      stlb_(make_array(config.stlb, cpus)),
      clock_(cpus, 0),
      counters_(cpus) {}

std::uint64_t Tlb::tag_of(sim::VirtAddr vaddr, bool huge, std::uint64_t* vpn) const {
  *vpn = vaddr.value() >> (huge ? huge_shift_ : 12);
  return (*vpn << 1) | (huge ? 1 : 0);
}

bool Tlb::probe(Array& a, sim::CpuId cpu, std::uint64_t vpn, std::uint64_t tag) {
  Entry* set = a.set(cpu, vpn);
  for (std::uint32_t w = 0; w < a.ways; ++w)
    if (set[w].tag == tag) {
      set[w].stamp = ++clock_[cpu];
      return true;
    }
  return false;
}

void Tlb::insert(Array& a, sim::CpuId cpu, std::uint64_t vpn, std::uint64_t tag) {
  Entry* set = a.set(cpu, vpn);
  Entry* victim = set;
  for (std::uint32_t w = 0; w < a.ways; ++w) {
    if (set[w].tag == tag || set[w].tag == kInvalid) {
      victim = &set[w];
      break;
    }
    if (set[w].stamp < victim->stamp) victim = &set[w];
  }
  victim->tag = tag;
  victim->stamp = ++clock_[cpu];
}

TlbHit Tlb::lookup(sim::CpuId cpu, sim::VirtAddr vaddr, bool huge) {
  std::uint64_t vpn;
  const std::uint64_t tag = tag_of(vaddr, huge, &vpn);
  Array& l1 = huge ? l1_huge_ : l1_4k_;
  if (probe(l1, cpu, vpn, tag)) {
    ++counters_[cpu].l1_hits;
    return TlbHit::l1;
  }
  if (probe(stlb_, cpu, vpn, tag)) {
    insert(l1, cpu, vpn, tag);
    ++counters_[cpu].stlb_hits;
    return TlbHit::stlb;
  }
  ++counters_[cpu].misses;
  return TlbHit::miss;
}

void Tlb::fill(sim::CpuId cpu, sim::VirtAddr vaddr, bool huge) {
  std::uint64_t vpn;
  const std::uint64_t tag = tag_of(vaddr, huge, &vpn);
  insert(stlb_, cpu, vpn, tag);
  insert(huge ? l1_huge_ : l1_4k_, cpu, vpn, tag);
}

void Tlb::flush_all(sim::CpuId cpu) {
  ++counters_[cpu].flushes;
  for (Array* a : {&l1_4k_, &l1_huge_, &stlb_}) {
    Entry* e = a->set(cpu, 0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(a->sets) * a->ways; ++i)
      e[i].tag = kInvalid;
  }
}

void Tlb::flush_range(sim::CpuId cpu, sim::VirtAddr start, sim::VirtAddr end) {
  ++counters_[cpu].flushes;
  for (Array* a : {&l1_4k_, &l1_huge_, &stlb_}) {
    Entry* e = a->set(cpu, 0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(a->sets) * a->ways; ++i) {
      if (e[i].tag == kInvalid) continue;
      const bool huge = e[i].tag & 1;
      const unsigned shift = huge ? huge_shift_ : 12;
      const std::uint64_t first = (e[i].tag >> 1) << shift;
      const std::uint64_t last = first + (1ull << shift);
      if (first < end.value() && start.value() < last) e[i].tag = kInvalid;
    }
  }
}

Tlb::Counters Tlb::total() const {
  Counters t;
  for (const Counters& c : counters_) {
    t.l1_hits += c.l1_hits;
    t.stlb_hits += c.stlb_hits;
    t.misses += c.misses;
    t.flushes += c.flushes;
  }
  return t;
}

}  // namespace allocsim::model
