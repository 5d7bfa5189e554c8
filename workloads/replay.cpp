#include "workloads/replay.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "workloads/trace/event_gfp.hpp"

namespace allocsim::workloads {

namespace {

using trace::EventKind;

struct Live {
  std::uint64_t addr;       // simulated address (pages: pfn)
  model::KmemCache* cache;  // kmem_cache objects; null for kmalloc and pages
  unsigned order;           // pages
  bool pages;
};

bool is_kmalloc(EventKind k) {
  return k == EventKind::kmalloc || k == EventKind::kmalloc_node;
}
bool is_cache_alloc(EventKind k) {
  return k == EventKind::kmem_cache_alloc || k == EventKind::kmem_cache_alloc_node;
}
bool is_page_free(EventKind k) {
  return k == EventKind::mm_page_free || k == EventKind::mm_page_free_direct ||
         k == EventKind::mm_page_free_batched || k == EventKind::mm_pagevec_free;
}

}  // namespace

ReplayResult replay(const trace::Trace& t, model::Kernel& k, const ReplayOptions& opt) {
  ReplayResult r;
  sim::Machine& m = k.machine();
  m.stats().freeze();  // the run begins: no statistic appears in the middle of it
  const model::Flavour flavour = k.pages().flavour();
  const model::Gfp gfp_kernel = model::parse_gfp(flavour, "GFP_KERNEL");
  model::ObjectAllocator& oa = k.slab();
  std::unordered_map<std::uint64_t, Live> live;  // traced pointer (or pfn) -> model object
  live.reserve(t.events.size() / 2 + 16);
  std::map<std::pair<std::uint64_t, std::uint64_t>, model::KmemCache*> caches;
  const std::uint64_t t0 = t.events.empty() ? 0 : t.events.front().ts_ns;
  const double cycles_per_ns = m.config().ghz * opt.time_scale;
  if (opt.keep_table) r.table.reserve(t.events.size());

  auto gfp_of = [&](const trace::TraceEvent& e) {
    if (!e.has(trace::Field::gfp_flags)) return gfp_kernel;
    try {
      return trace::event_gfp(flavour, t, e);
    } catch (const std::invalid_argument&) {
      ++r.gfp_fallbacks;
      return gfp_kernel;
    }
  };

  for (const trace::TraceEvent& e : t.events) {
    const unsigned cpu_id = e.cpu >= 0 ? static_cast<unsigned>(e.cpu) % m.cpus() : 0;
    sim::Cpu& cpu = m.cpu(cpu_id);
    if (opt.trace_timing && e.ts_ns >= t0) {
      const auto due = static_cast<sim::Cycles>(static_cast<double>(e.ts_ns - t0) * cycles_per_ns);
      if (due > cpu.now()) cpu.spend(due - cpu.now());
    }
    const int node = e.node >= 0 && static_cast<unsigned>(e.node) < m.config().nodes ? e.node : -1;
    ++r.events;
    if (is_kmalloc(e.kind) || is_cache_alloc(e.kind)) {
      std::uint64_t addr = 0, simulated = 0;
      model::KmemCache* cache = nullptr;
      if (is_kmalloc(e.kind)) {
        addr = oa.kmalloc(cpu, e.bytes_req, gfp_of(e), node);
        simulated = oa.kmalloc_sizes().bytes_alloc(e.bytes_req);
      } else {
        // One cache per call site and object size, as the traced kernel had.
        const std::uint64_t site = e.call_site ? e.call_site : (1ull << 63) | e.call_site_sym;
        model::KmemCache*& c = caches[{site, e.bytes_req}];
        if (!c) {
          // An object size no cache can have is a failed allocation, not a
          // reason to stop the replay.
          if (e.bytes_req > (model::kPageSize << model::kMaxOrder)) {
            ++r.failures;
            continue;
          }
          c = oa.kmem_cache_create(
              cpu, "replay-" + std::to_string(caches.size()),
              static_cast<std::uint32_t>(std::max<std::uint64_t>(1, e.bytes_req)), 0, 0, false);
          ++r.caches_created;
        }
        cache = c;
        const std::uint64_t before = c->stats.bytes_alloc;
        addr = oa.kmem_cache_alloc(cpu, *c, gfp_of(e), node);
        simulated = c->stats.bytes_alloc - before;
      }
      if (!addr) {
        ++r.failures;
        continue;
      }
      ++r.allocations;
      if (e.has(trace::Field::bytes_alloc)) {
        ++r.bytes_alloc_compared;
        if (simulated != e.bytes_alloc) ++r.bytes_alloc_mismatches;
      }
      if (opt.keep_table)
        r.table.push_back({e.line, e.kind, static_cast<std::uint16_t>(cpu_id), e.bytes_req,
                           e.bytes_alloc, simulated});
      if (e.ptr == 0 || addr == model::ObjectAllocator::kZeroSizePtr) continue;  // ZERO_SIZE_PTR
      auto [it, fresh] = live.try_emplace(e.ptr, Live{addr, cache, 0, false});
      if (!fresh) {
        ++r.reused_pointers;
        it->second = Live{addr, cache, 0, false};
      }
    } else if (e.kind == EventKind::kfree || e.kind == EventKind::kmem_cache_free) {
      if (e.ptr == 0) {
        ++r.null_frees;
        continue;
      }
      const auto it = live.find(e.ptr);
      if (it == live.end() || it->second.pages) {
        ++r.unknown_frees;
        continue;
      }
      if (it->second.cache && e.kind == EventKind::kmem_cache_free)
        oa.kmem_cache_free(cpu, *it->second.cache, it->second.addr);
      else
        oa.kfree(cpu, it->second.addr);
      live.erase(it);
      ++r.frees;
    } else if (e.kind == EventKind::mm_page_alloc) {
      if (!e.has(trace::Field::pfn) || (e.pfn == 0 && e.page == 0)) {
        ++r.skipped;  // a traced failure
        continue;
      }
      const auto order = static_cast<unsigned>(e.order);
      const std::optional<model::Pfn> pfn = k.pages().alloc_pages(cpu, gfp_of(e), order);
      if (!pfn) {
        ++r.failures;
        continue;
      }
      ++r.allocations;
      live[(e.pfn << 1) | 1] = Live{*pfn, nullptr, order, true};  // pfns keyed apart from pointers
    } else if (is_page_free(e.kind)) {
      const auto it = live.find((e.pfn << 1) | 1);
      if (it == live.end()) {
        ++r.unknown_frees;
        continue;
      }
      k.pages().free_pages(cpu, it->second.addr, it->second.order);
      live.erase(it);
      ++r.frees;
    } else {
      ++r.skipped;
    }
  }
  r.traced_live = live.size();
  // What the model still holds of those: each must be a live object (or block).
  for (const auto& [key, l] : live) r.simulated_live += l.pages || oa.ksize(l.addr) > 0;
  return r;
}

}  // namespace allocsim::workloads
