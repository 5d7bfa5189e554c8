#include "cli/kmem_report.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"

namespace allocsim::cli {

namespace {

const h5::Table* find_table(const io::RunResults& run, const std::string& name) {
  for (const auto& [n, t] : run.tables)
    if (n == name) return &t;
  return nullptr;
}

const h5::Column& column(const h5::Table& t, const std::string& name, const std::string& table) {
  const h5::Column* c = t.find(name);
  if (!c)
    throw UsageError("tables/" + table + " has no column '" + name +
                     "' (written by an allocsim before --kmem existed: replay the trace again)");
  return *c;
}

double percent(double part, double whole) {
  return whole > 0 ? 100.0 * part / whole : 0.0;
}

// perf kmem's "Frag": the share of the allocated bytes that was not requested.
double fragmentation(std::uint64_t requested, std::uint64_t allocated) {
  return allocated ? percent(static_cast<double>(allocated - std::min(requested, allocated)),
                             static_cast<double>(allocated))
                   : 0.0;
}

void row(const char* what, std::uint64_t v, const std::string& note = "") {
  std::printf("  %-36s %12llu%s\n", what, static_cast<unsigned long long>(v), note.c_str());
}

std::string note(const char* format, double v) {
  char buf[96];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

bool is(const h5::Column& event, std::size_t i, std::initializer_list<std::string_view> kinds) {
  for (std::string_view k : kinds)
    if (event.s[i] == k) return true;
  return false;
}

// The rows in trace order (the table has them in the order they finished).
std::vector<std::size_t> trace_order(const h5::Table& t) {
  const h5::Column& line = column(t, "line", "replay");
  std::vector<std::size_t> rows(t.rows());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::size_t a, std::size_t b) { return line.u[a] < line.u[b]; });
  return rows;
}

// Per row: the simulated CPU of the trace's free of what that row allocated
// (matched by `key`, in trace order), -1 if the trace does not free it.
std::vector<std::int64_t> free_cpus(const h5::Table& t, const std::vector<std::size_t>& order,
                                    const h5::Column& key,
                                    std::initializer_list<std::string_view> allocs,
                                    std::initializer_list<std::string_view> frees) {
  const h5::Column& event = column(t, "event", "replay");
  const h5::Column& cpu = column(t, "cpu", "replay");
  std::vector<std::int64_t> out(t.rows(), -1);
  std::map<std::uint64_t, std::size_t> live;
  for (std::size_t i : order) {
    if (is(event, i, allocs)) {
      live[key.u[i]] = i;
    } else if (is(event, i, frees)) {
      const auto it = live.find(key.u[i]);
      if (it == live.end()) continue;
      out[it->second] = static_cast<std::int64_t>(cpu.u[i]);
      live.erase(it);
    }
  }
  return out;
}

struct Site {
  std::uint64_t allocs = 0, requested = 0, traced = 0, simulated = 0, freed = 0, cross_cpu = 0;
};

void print_slab(const h5::Table& t, const std::string& allocator, std::size_t call_sites) {
  const h5::Column& event = column(t, "event", "replay");
  const h5::Column& site = column(t, "call_site", "replay");
  const h5::Column& cpu = column(t, "cpu", "replay");
  const h5::Column& req = column(t, "bytes_req", "replay");
  const h5::Column& traced = column(t, "traced_bytes_alloc", "replay");
  const h5::Column& simulated = column(t, "simulated_bytes_alloc", "replay");
  const std::vector<std::size_t> order = trace_order(t);
  const std::initializer_list<std::string_view> kAllocs = {
      "kmalloc", "kmalloc_node", "kmem_cache_alloc", "kmem_cache_alloc_node"};
  const std::vector<std::int64_t> free_cpu =
      free_cpus(t, order, column(t, "ptr", "replay"), kAllocs, {"kfree", "kmem_cache_free"});
  Site total;
  std::map<std::string, Site> sites;
  for (std::size_t i : order) {
    // The allocations the model satisfied (a failed one allocated nothing).
    if (!is(event, i, kAllocs) || simulated.u[i] == 0) continue;
    for (Site* s : {&total, &sites[site.s[i].empty() ? "(none)" : site.s[i]]}) {
      ++s->allocs;
      s->requested += req.u[i];
      s->traced += traced.u[i];
      s->simulated += simulated.u[i];
      if (free_cpu[i] >= 0) {
        ++s->freed;
        s->cross_cpu += static_cast<std::uint64_t>(free_cpu[i]) != cpu.u[i];
      }
    }
  }
  std::printf("SLAB ALLOCATIONS (kmalloc, kmem_cache_alloc)\n");
  row("allocations replayed", total.allocs);
  row("  freed in the trace", total.freed);
  row("  freed on another CPU (cross-CPU)", total.cross_cpu,
      note("  (%.1f %% of those freed)", percent(total.cross_cpu, total.freed)));
  row("bytes requested", total.requested);
  row("bytes allocated, traced kernel", total.traced,
      note("  (internal fragmentation %.1f %%)", fragmentation(total.requested, total.traced)));
  row(("bytes allocated, simulated " + allocator).c_str(), total.simulated,
      note("  (internal fragmentation %.1f %%)", fragmentation(total.requested, total.simulated)));
  if (sites.empty()) return;

  std::vector<std::pair<std::string, Site>> by_bytes(sites.begin(), sites.end());
  std::stable_sort(by_bytes.begin(), by_bytes.end(), [](const auto& a, const auto& b) {
    return a.second.simulated > b.second.simulated;
  });
  std::printf("\nper call site, by bytes allocated (simulated):\n");
  std::printf("  %-40s %8s %11s %11s %11s %7s %7s %9s\n", "call site", "allocs", "requested",
              "traced", "simulated", "frag %", "freed", "cross-CPU");
  const std::size_t shown = std::min(call_sites, by_bytes.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& [name, s] = by_bytes[i];
    std::printf(
        "  %-40s %8llu %11llu %11llu %11llu %7.1f %7llu %9llu\n", name.c_str(),
        static_cast<unsigned long long>(s.allocs), static_cast<unsigned long long>(s.requested),
        static_cast<unsigned long long>(s.traced), static_cast<unsigned long long>(s.simulated),
        fragmentation(s.requested, s.simulated), static_cast<unsigned long long>(s.freed),
        static_cast<unsigned long long>(s.cross_cpu));
  }
  if (shown < by_bytes.size())
    std::printf("  ... and %zu more call sites\n", by_bytes.size() - shown);
}

// Migratetype names in the order either kernel generation numbers them.
int rank(const std::string& migratetype) {
  static const std::vector<std::string> kOrder = {"Unmovable",  "Movable", "Reclaimable", "Reserve",
                                                  "HighAtomic", "CMA",     "Isolate"};
  const auto it = std::find(kOrder.begin(), kOrder.end(), migratetype);
  return static_cast<int>(it - kOrder.begin());
}

void print_pages(const h5::Table& t, std::uint64_t traced_failures, const std::string& flavour) {
  const h5::Column& event = column(t, "event", "replay");
  const h5::Column& cpu = column(t, "cpu", "replay");
  const h5::Column& order = column(t, "order", "replay");
  const h5::Column& mt = column(t, "migratetype", "replay");
  const std::vector<std::size_t> rows = trace_order(t);
  const std::vector<std::int64_t> free_cpu =
      free_cpus(t, rows, column(t, "pfn", "replay"), {"mm_page_alloc"},
                {"mm_page_free", "mm_page_free_direct", "mm_page_free_batched", "mm_pagevec_free"});
  std::uint64_t allocs = traced_failures, failures = traced_failures, freed = 0, cross_cpu = 0,
                pages = 0;
  std::map<std::uint64_t, std::map<std::string, std::uint64_t>> grid;  // order -> type -> count
  std::vector<std::string> types;
  for (std::size_t i : rows) {
    if (!is(event, i, {"mm_page_alloc"})) continue;
    ++allocs;
    pages += std::uint64_t{1} << order.u[i];
    ++grid[order.u[i]][mt.s[i]];
    if (std::find(types.begin(), types.end(), mt.s[i]) == types.end()) types.push_back(mt.s[i]);
    if (free_cpu[i] >= 0) {
      ++freed;
      cross_cpu += static_cast<std::uint64_t>(free_cpu[i]) != cpu.u[i];
    }
  }
  std::printf("\nPAGE ALLOCATIONS (mm_page_alloc)\n");
  row("allocation requests", allocs);
  row("  failed in the trace", failures);
  row("  freed in the trace", freed);
  row("  freed on another CPU (cross-CPU)", cross_cpu);
  row("pages allocated", pages);
  if (grid.empty()) return;
  std::sort(types.begin(), types.end(),
            [](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  std::printf("\nallocations per order and migratetype (%s, from the gfp flags):\n",
              flavour.c_str());
  std::printf("  %5s", "order");
  for (const std::string& type : types) std::printf(" %12s", type.c_str());
  std::printf("\n");
  for (const auto& [o, counts] : grid) {
    std::printf("  %5llu", static_cast<unsigned long long>(o));
    for (const std::string& type : types) {
      const auto it = counts.find(type);
      std::printf(" %12llu", static_cast<unsigned long long>(it == counts.end() ? 0 : it->second));
    }
    std::printf("\n");
  }
}

std::string summary_text(const io::RunResults& run, const std::string& name) {
  const h5::Column* c = run.summary.find(name);
  return c && c->type == h5::Column::Type::str && !c->s.empty() ? c->s.front() : "";
}

}  // namespace

void print_kmem(const io::RunResults& run, std::size_t call_sites) {
  const h5::Table* slab = find_table(run, "replay");
  if (run.info.workload != "trace" || !slab)
    throw UsageError("--kmem: run '" + run.info.name + "' is a " + run.info.workload +
                     " run, not a trace replay (set workload.trace)");
  const std::string flavour = summary_text(run, "flavour");
  const std::string allocator = summary_text(run, "slab");
  std::string trace = summary_text(run, "workload");
  if (trace.starts_with("trace:")) trace = trace.substr(6);
  std::printf("run '%s': %s replayed on %s, %s\n\n", run.info.name.c_str(), trace.c_str(),
              flavour.c_str(), allocator.c_str());
  print_slab(*slab, allocator, call_sites);
  const h5::Column* failures = run.summary.find("traced_page_failures");
  print_pages(*slab, failures && run.summary.rows() ? failures->u.front() : 0, flavour);
}

}  // namespace allocsim::cli
