#include "io/run/replay_tables.hpp"

#include <cstdio>
#include <stdexcept>
#include <unordered_map>

#include "io/results/workload_tables.hpp"
#include "model/gfp.hpp"
#include "model/migratetype.hpp"
#include "workloads/trace/event_gfp.hpp"

namespace allocsim::io {

namespace {

namespace tr = workloads::trace;
using tr::EventKind;

bool is_slab_alloc(EventKind k) {
  return k == EventKind::kmalloc || k == EventKind::kmalloc_node ||
         k == EventKind::kmem_cache_alloc || k == EventKind::kmem_cache_alloc_node;
}

bool is_slab_free(EventKind k) {
  return k == EventKind::kfree || k == EventKind::kmem_cache_free;
}

bool is_page_free(EventKind k) {
  return k == EventKind::mm_page_free || k == EventKind::mm_page_free_direct ||
         k == EventKind::mm_page_free_batched || k == EventKind::mm_pagevec_free;
}

// The simulated CPU of an event, as workloads::replay picks it.
unsigned cpu_of(const tr::TraceEvent& e, unsigned cpus) {
  return e.cpu >= 0 ? static_cast<unsigned>(e.cpu) % cpus : 0;
}

// The call site as the trace printed it: "func+0xoff/0xlen", or the address in
// hex; "" for none (a traced kernel's call site is never 0).
std::string call_site(const tr::Trace& t, const tr::TraceEvent& e) {
  if (!e.has(tr::Field::call_site)) return "";
  if (e.call_site_sym) return std::string(t.str(e.call_site_sym));
  if (e.call_site == 0) return "";
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(e.call_site));
  return buf;
}

// A column as its declaration (io/results/workload_tables.cpp) says.
std::size_t add_declared(h5::Table& rows, const ColumnDecl& c) {
  return rows.add(c.name, c.type, std::string(c.stat.unit));
}

// Where the trace frees what it allocated: per allocation (an index of the
// caller's), the freeing CPU and line, matched by pointer (or pfn).
struct Frees {
  std::vector<std::int64_t> cpu;
  std::vector<std::uint64_t> line;
  std::unordered_map<std::uint64_t, std::size_t> live;  // key -> allocation index

  std::size_t add(std::uint64_t key) {
    cpu.push_back(-1);
    line.push_back(0);
    if (key != 0) live[key] = cpu.size() - 1;
    return cpu.size() - 1;
  }
  void free(std::uint64_t key, const tr::TraceEvent& e, unsigned cpus) {
    const auto it = live.find(key);
    if (it == live.end()) return;
    cpu[it->second] = cpu_of(e, cpus);
    line[it->second] = e.line;
    live.erase(it);
  }
};

}  // namespace

void add_trace_columns(const tr::Trace& t, const workloads::ReplayResult& r, unsigned cpus,
                       h5::Table& rows) {
  const std::size_t site = add_declared(rows, replay_trace_columns()[0]);
  const std::size_t ptr = add_declared(rows, replay_trace_columns()[1]);
  Frees frees;
  std::size_t k = 0;  // the next row of r.table
  for (const tr::TraceEvent& e : t.events) {
    if (is_slab_alloc(e.kind)) {
      if (k == r.table.size() || r.table[k].line != e.line) continue;  // not replayed
      rows.push_s(site, call_site(t, e));
      rows.push(ptr, e.ptr);
      frees.add(e.ptr);
      ++k;
    } else if (is_slab_free(e.kind) && e.ptr != 0) {
      frees.free(e.ptr, e, cpus);
    }
  }
  if (k != r.table.size()) throw std::logic_error("replay rows do not follow the trace's events");
  const std::size_t free_cpu = add_declared(rows, replay_trace_columns()[2]);
  const std::size_t free_line = add_declared(rows, replay_trace_columns()[3]);
  rows.columns()[free_cpu].i = std::move(frees.cpu);
  rows.columns()[free_line].u = std::move(frees.line);
}

h5::Table page_allocation_table(const tr::Trace& t, model::Flavour flavour, unsigned cpus) {
  h5::Table rows;
  const std::vector<ColumnDecl>& page_columns = replay_pages_schema().columns;
  const std::size_t line = add_declared(rows, page_columns[0]);
  const std::size_t cpu = add_declared(rows, page_columns[1]);
  const std::size_t pfn = add_declared(rows, page_columns[2]);
  const std::size_t order = add_declared(rows, page_columns[3]);
  const std::size_t gfp = add_declared(rows, page_columns[4]);
  const std::size_t mt = add_declared(rows, page_columns[5]);
  const std::size_t traced_mt = add_declared(rows, page_columns[6]);
  const std::size_t failed = add_declared(rows, page_columns[7]);
  const model::Gfp gfp_kernel = model::parse_gfp(flavour, "GFP_KERNEL");
  Frees frees;
  for (const tr::TraceEvent& e : t.events) {
    if (e.kind == EventKind::mm_page_alloc) {
      const bool failure = !e.has(tr::Field::pfn) || (e.pfn == 0 && e.page == 0);
      model::Gfp g = gfp_kernel;
      if (e.has(tr::Field::gfp_flags)) try {
          g = tr::event_gfp(flavour, t, e);
        } catch (const std::invalid_argument&) {
          // a name the flavour lacks: GFP_KERNEL, as the replay does
        }
      rows.push(line, e.line);
      rows.push(cpu, cpu_of(e, cpus));
      rows.push(pfn, e.pfn);
      rows.push(order, static_cast<std::uint64_t>(e.order));
      rows.push_s(gfp, std::string(t.str(e.gfp_text)));
      rows.push_s(
          mt, std::string(model::migratetype_name(flavour, model::gfp_migratetype(flavour, g))));
      rows.push_i(traced_mt, e.has(tr::Field::migratetype) ? e.migratetype : -1);
      rows.push(failed, failure ? 1 : 0);
      frees.add(failure ? 0 : (e.pfn << 1) | 1);  // pfn 0 is a page too: keyed apart from "none"
    } else if (is_page_free(e.kind) && e.has(tr::Field::pfn)) {
      frees.free((e.pfn << 1) | 1, e, cpus);
    }
  }
  const std::size_t free_cpu = add_declared(rows, page_columns[8]);
  const std::size_t free_line = add_declared(rows, page_columns[9]);
  rows.columns()[free_cpu].i = std::move(frees.cpu);
  rows.columns()[free_line].u = std::move(frees.line);
  return rows;
}

}  // namespace allocsim::io
