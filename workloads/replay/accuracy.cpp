#include "workloads/replay/accuracy.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>

#include "workloads/replay/proc_text.hpp"

namespace allocsim::workloads::replaying {

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot read the recording's snapshot");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string buddy_key(int node, const std::string& zone, std::size_t order) {
  return std::to_string(node) + "/" + zone + "/" + std::to_string(order);
}

}  // namespace

std::vector<AccuracyRow> compare_with_snapshot(const model::Kernel& kernel,
                                               const std::filesystem::path& recording,
                                               const std::vector<std::string>& traced_caches) {
  std::vector<AccuracyRow> out;
  // Caches: every one the model has, and every one the trace allocated from
  // (which the model may have merged into another), in name order.
  std::map<std::string, SlabinfoLine> traced, model;
  for (SlabinfoLine& l : parse_slabinfo(read_file(recording / "after" / "slabinfo")))
    traced.emplace(l.name, std::move(l));
  for (SlabinfoLine& l : parse_slabinfo(kernel.proc("slabinfo")))
    model.emplace(l.name, std::move(l));
  std::set<std::string> names(traced_caches.begin(), traced_caches.end());
  for (const auto& [name, l] : model) names.insert(name);
  for (const std::string& name : names) {
    const auto t = traced.find(name), m = model.find(name);
    const SlabinfoLine none;
    const SlabinfoLine& tl = t == traced.end() ? none : t->second;
    const SlabinfoLine& ml = m == model.end() ? none : m->second;
    out.push_back({"slab_num_objs", name, tl.num_objs, ml.num_objs});
    out.push_back({"slab_num_slabs", name, tl.num_slabs, ml.num_slabs});
  }
  // Zones and orders, in the recording's order (then any zone only the model has).
  const std::vector<BuddyinfoLine> tb =
      parse_buddyinfo(read_file(recording / "after" / "buddyinfo"));
  const std::vector<BuddyinfoLine> mb = parse_buddyinfo(kernel.proc("buddyinfo"));
  auto find = [](const std::vector<BuddyinfoLine>& v, int node, const std::string& zone) {
    return std::find_if(v.begin(), v.end(),
                        [&](const BuddyinfoLine& l) { return l.node == node && l.zone == zone; });
  };
  auto add_zone = [&](int node, const std::string& zone) {
    const auto t = find(tb, node, zone), m = find(mb, node, zone);
    const std::size_t orders =
        std::max(t == tb.end() ? 0 : t->free.size(), m == mb.end() ? 0 : m->free.size());
    for (std::size_t o = 0; o < orders; ++o)
      out.push_back({"buddy_free_blocks", buddy_key(node, zone, o),
                     t != tb.end() && o < t->free.size() ? t->free[o] : 0,
                     m != mb.end() && o < m->free.size() ? m->free[o] : 0});
  };
  for (const BuddyinfoLine& l : tb) add_zone(l.node, l.zone);
  for (const BuddyinfoLine& l : mb)
    if (find(tb, l.node, l.zone) == tb.end()) add_zone(l.node, l.zone);
  return out;
}

std::vector<AccuracyRow> accuracy_rows(const ReplayResult& r) {
  std::vector<AccuracyRow> out;
  for (std::size_t k = 0; k < kAllocKinds.size(); ++k)
    out.push_back({"bytes_alloc_equal", std::string(trace::kind_name(kAllocKinds[k])),
                   r.compared[k], r.equal[k]});
  out.push_back({"pcp_refill_pages", "", r.traced.pcp_refill_pages, r.model.pcp_refill_pages});
  out.push_back({"pcp_drain_pages", "", r.traced.pcp_drain_pages, r.model.pcp_drain_pages});
  out.push_back({"extfrag_steals", "", r.traced.extfrag, r.model.extfrag});
  for (std::size_t o = 0; o < r.traced.page_allocs.size(); ++o)
    out.push_back(
        {"page_allocs", std::to_string(o), r.traced.page_allocs[o], r.model.page_allocs[o]});
  out.insert(out.end(), r.snapshot.begin(), r.snapshot.end());
  return out;
}

AccuracySummary summarize(const ReplayResult& r) {
  AccuracySummary s;
  using trace::EventKind;
  for (std::size_t k = 0; k < kAllocKinds.size(); ++k) {
    const bool km = is_kmalloc(kAllocKinds[k]);
    (km ? s.kmalloc_compared : s.cache_alloc_compared) += r.compared[k];
    (km ? s.kmalloc_equal : s.cache_alloc_equal) += r.equal[k];
  }
  s.traced_pcp_refill_pages = r.traced.pcp_refill_pages;
  s.model_pcp_refill_pages = r.model.pcp_refill_pages;
  s.traced_pcp_drain_pages = r.traced.pcp_drain_pages;
  s.model_pcp_drain_pages = r.model.pcp_drain_pages;
  s.traced_extfrag_steals = r.traced.extfrag;
  s.model_extfrag_steals = r.model.extfrag;
  for (std::size_t o = 0; o < r.traced.page_allocs.size(); ++o) {
    s.traced_page_allocs += r.traced.page_allocs[o];
    s.model_page_allocs += r.model.page_allocs[o];
  }
  std::map<std::string, std::uint64_t> objects;  // recorded num_objs per cache
  for (const AccuracyRow& row : r.snapshot) {
    if (row.metric == "slab_num_objs") objects[row.key] = row.traced;
    if (row.metric == "slab_num_slabs" && objects[row.key] >= kSlabTargetObjects) {
      ++s.slab_caches_compared;
      const std::uint64_t diff =
          row.model > row.traced ? row.model - row.traced : row.traced - row.model;
      s.slab_caches_within_10pct += 10 * diff <= row.traced;
    }
    if (row.metric == "buddy_free_blocks") {
      const std::size_t slash = row.key.rfind('/');
      const std::uint64_t pages = std::uint64_t{1} << std::stoul(row.key.substr(slash + 1));
      s.traced_free_pages += row.traced * pages;
      s.model_free_pages += row.model * pages;
    }
  }
  return s;
}

}  // namespace allocsim::workloads::replaying
