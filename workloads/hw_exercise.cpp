#include "workloads/hw_exercise.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "model/kernel.hpp"
#include "model/page_alloc.hpp"
#include "sim/fnv.hpp"
#include "sim/machine.hpp"

namespace allocsim::workloads {

std::uint64_t stats_fingerprint(const sim::StatsRegistry& stats) {
  sim::Fnv1a f;
  for (const auto& c : stats.counters()) {
    f.bytes(c.name);
    f.u64(static_cast<std::uint64_t>(c.scope));
    f.u64(c.counter.value);
  }
  for (const auto& h : stats.histograms()) {
    f.bytes(h.name);
    for (std::uint64_t b : h.histogram.buckets) f.u64(b);
  }
  return f.h;
}

ExerciseResult run_exercise(const sim::MachineConfig& config, std::uint64_t seed,
                            ExercisePattern pattern, std::uint64_t ops_per_cpu,
                            std::uint64_t footprint_bytes, const model::KernelConfig& kernel,
                            model::AllocObserver* observer) {
  sim::Machine m(config, seed);
  std::unique_ptr<model::PageAllocator> pa;
  std::unique_ptr<model::Kernel> k;
  if (pattern == ExercisePattern::page_churn)
    pa = std::make_unique<model::PageAllocator>(m, kernel);
  if (pattern == ExercisePattern::kmalloc_churn || pattern == ExercisePattern::slab_colour) {
    k = std::make_unique<model::Kernel>(m, kernel);
    k->slab().set_observer(observer);  // boot caches are not events; the churn is
  }
  // slab_colour: one 384-byte SLAB_HWCACHE_ALIGN cache; each CPU in turn fills 32
  // slab pages and then reads the first object of each page in turn. Where
  // those first objects start is what slab colouring changes: without it they
  // share one offset, and so one cache set when the L1's sets span a page.
  constexpr std::size_t kProbePages = 32;
  model::KmemCache* probe = nullptr;
  if (pattern == ExercisePattern::slab_colour)
    probe = k->slab().kmem_cache_create(m.cpu(0), "colour_probe", 384, 0, model::SLAB_HWCACHE_ALIGN,
                                        false);
  const model::Gfp gfp_kernel = model::parse_gfp(kernel.flavour, "GFP_KERNEL");
  const std::uint32_t cpus = m.cpus();
  std::vector<std::vector<sim::VirtAddr>> hot(cpus);  // slab_colour: the objects read
  std::vector<sim::Cycles> setup(cpus, 0);            // cycles spent before the measured loop
  sim::CpuId filling = 0;                             // slab_colour: the CPU filling now
  const std::uint32_t line = config.line_bytes;
  const std::uint32_t nodes = config.nodes;

  // Counters live on node 0, like a global statistics array in the kernel.
  const std::uint64_t counter_bytes = static_cast<std::uint64_t>(cpus) * line;
  const sim::PhysAddr counters = m.boot_memory().alloc(counter_bytes, line, 0);
  // The random-read footprint is split evenly over the nodes that have memory.
  std::vector<sim::PhysAddr> chunks;
  const std::uint64_t chunk = std::max<std::uint64_t>(line, footprint_bytes / nodes / line * line);
  if (pattern == ExercisePattern::random_read)
    for (sim::NodeId n = 0; n < nodes; ++n)
      if (config.node_memory[n].bytes > 0) chunks.push_back(m.boot_memory().alloc(chunk, 4096, n));

  const std::uint32_t words_per_line = line / 8;
  // page_churn: 32 live blocks per CPU, the oldest freed before each allocation.
  constexpr std::size_t kLive = 32;
  std::vector<std::vector<std::pair<model::Pfn, unsigned>>> live(cpus);
  for (auto& l : live) l.reserve(kLive);
  // kmalloc_churn: 64 live objects per CPU of typical kernel sizes; the object
  // in the slot is freed, a new one allocated and its first line written.
  constexpr std::size_t kLiveObjects = 64;
  constexpr std::uint32_t kSizes[] = {32, 64, 96, 128, 192, 256, 512, 1024, 64, 128, 2048, 4096};
  std::vector<std::vector<sim::VirtAddr>> objects(cpus, std::vector<sim::VirtAddr>(kLiveObjects));
  m.stats().freeze();  // set up: from here on no statistic may appear
  for (sim::CpuId c = 0; c < cpus; ++c) {
    m.spawn(c, [&, c](sim::Cpu& cpu) {
      const sim::PhysAddr shared_word =
          counters + (c / words_per_line) * line + (c % words_per_line) * 8;
      const sim::PhysAddr padded_word = counters + std::uint64_t{c} * line;
      if (probe) {  // the lowest object of each of the first kProbePages pages
        // The CPUs fill in turn: colour_next is per node, and CPUs growing in
        // lockstep would each get every k-th colour (k CPUs), not all of them.
        while (filling != c) cpu.sleep_until(cpu.now() + 1000);
        std::vector<sim::VirtAddr>& first = hot[c];
        for (int n = 0; first.size() < kProbePages && n < 4096; ++n) {
          const sim::VirtAddr obj = k->slab().kmem_cache_alloc(cpu, *probe, gfp_kernel);
          if (!obj) break;
          const auto same_page = [&](sim::VirtAddr a) {
            return a.value() >> 12 == obj.value() >> 12;
          };
          const auto it = std::find_if(first.begin(), first.end(), same_page);
          if (it == first.end())
            first.push_back(obj);
          else if (obj < *it)
            *it = obj;
        }
        if (first.empty()) throw std::runtime_error("slab_colour: the probe cache is empty");
        setup[c] = cpu.now();
        ++filling;
      }
      for (std::uint64_t i = 0; i < ops_per_cpu; ++i) {
        switch (pattern) {
          case ExercisePattern::false_sharing:
            cpu.rmw(shared_word);
            break;
          case ExercisePattern::padded:
            cpu.rmw(padded_word);
            break;
          case ExercisePattern::random_read: {
            const sim::PhysAddr base = chunks[cpu.rng().below(chunks.size())];
            cpu.read(base + cpu.rng().below(chunk / 8) * 8);
            break;
          }
          case ExercisePattern::page_churn: {
            auto& mine = live[c];
            if (mine.size() == kLive) {
              const auto [pfn, order] = mine[i % kLive];
              pa->free_pages(cpu, pfn, order);
              const unsigned next = cpu.rng().below(8) == 0 ? 2 : 0;
              if (const auto p = pa->alloc_pages(cpu, gfp_kernel, next))
                mine[i % kLive] = {*p, next};
            } else if (const auto p = pa->alloc_pages(cpu, gfp_kernel, 0)) {
              mine.emplace_back(*p, 0);
            }
            break;
          }
          case ExercisePattern::kmalloc_churn: {
            sim::VirtAddr& slot = objects[c][i % kLiveObjects];
            if (slot) k->slab().kfree(cpu, slot);
            const std::uint32_t size = kSizes[cpu.rng().below(std::size(kSizes))];
            slot = k->slab().kmalloc(cpu, size, gfp_kernel);
            if (slot) cpu.write(k->highmem().pa(slot), 8);
            break;
          }
          case ExercisePattern::slab_colour:
            cpu.read(k->highmem().pa(hot[c][i % hot[c].size()]), 8);
            break;
        }
        cpu.spend(1);  // the loop around the access
        cpu.sync();
        cpu.run_due_work();
      }
    });
  }
  m.run();

  const sim::StatsRegistry& s = m.stats();
  ExerciseResult r;
  r.pattern = pattern;
  r.ops = ops_per_cpu * cpus;
  r.elapsed = m.now();
  sim::Cycles busy = 0;
  for (sim::CpuId c = 0; c < cpus; ++c) busy += m.cpu(c).now() - setup[c];
  r.cycles_per_op = r.ops ? static_cast<double>(busy) / static_cast<double>(r.ops) : 0.0;
  r.l1d_misses = s.total("l1d.misses");
  r.l2_misses = s.total("l2.misses");
  r.llc_misses = s.total("llc.misses");
  r.c2c_transfers = s.total("coherence.c2c_transfers");
  r.false_sharing = s.total("coherence.false_sharing");
  r.invalidations = s.total("coherence.invalidations");
  r.local_memory = s.total("memory.local_accesses");
  r.remote_memory = s.total("memory.remote_accesses");
  r.lock_wait = 0;
  for (const auto& e : s.counters())
    if (e.name.ends_with(".wait_cycles")) r.lock_wait += e.counter.value;
  r.fingerprint = stats_fingerprint(s);
  return r;
}

}  // namespace allocsim::workloads
