#include "io/run/recorded_slab_state.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "io/recording/tsv.hpp"
#include "model/gfp.hpp"
#include "model/slab_flags.hpp"
#include "sim/machine.hpp"

namespace allocsim::io {

RecordedSlabState::RecordedSlabState(const std::filesystem::path& recording) {
  // before/slabinfo's names (s->name), to name unnamed merges as it does.
  std::ifstream slabinfo(recording / "before" / "slabinfo");
  for (std::string row; std::getline(slabinfo, row);)
    if (!row.empty() && row[0] != '#' && row.rfind("slabinfo", 0) != 0)
      slabinfo_names_.insert(row.substr(0, row.find(' ')));
  const recording::TsvTable t = recording::read_tsv_table(recording / "before" / "slab_caches.tsv",
                                                          "the recording's slab caches");
  const std::size_t name = t.column("name"), objects = t.column("objects"),
                    slabs = t.column("slabs"), partial = t.column("partial"),
                    aliases = t.column("alias_names");
  // mm/slub.c show_slab_objects: the total, then " N<node>=<count>" per node.
  const std::size_t per_node[] = {t.column("objects_per_node"), t.column("slabs_per_node"),
                                  t.column("partial_per_node")};
  for (const recording::TsvTable::Row& r : t.rows) {
    const std::vector<std::string>& row = r.fields;
    const std::string where = t.where(r);
    const auto parse = [&](std::string_view text, std::size_t col) {
      return t.number<std::uint64_t>(r, col, text);
    };
    Cache c;
    c.name = row[name];
    c.aliases = recording::tsv_list(row[aliases]);
    const std::uint64_t totals[] = {parse(row[objects], objects), parse(row[slabs], slabs),
                                    parse(row[partial], partial)};
    for (int f = 0; f < 3; ++f) {
      const std::string& text = row[per_node[f]];
      std::vector<std::uint64_t> values;
      for (std::size_t i = 0; i < text.size();) {
        const std::size_t space = std::min(text.find(' ', i), text.size());
        const std::string_view item(text.data() + i, space - i);
        const std::size_t eq = item.find('=');
        if (item.size() < 3 || item[0] != 'N' || eq == std::string_view::npos)
          throw std::runtime_error(where + ": " + t.header[per_node[f]] +
                                   ": expected N<node>=<n>, not '" + std::string(item) + "'");
        const std::uint64_t node = parse(item.substr(1, eq - 1), per_node[f]);
        if (node >= 1024)
          throw std::runtime_error(where + ": node " + std::to_string(node) + " out of range");
        if (values.size() <= node) values.resize(node + 1, 0);
        values[node] = parse(item.substr(eq + 1), per_node[f]);
        i = space + 1;
      }
      if (values.empty()) values.push_back(totals[f]);
      if (c.nodes.size() < values.size()) c.nodes.resize(values.size());
      for (std::size_t n = 0; n < values.size(); ++n)
        (f == 0 ? c.nodes[n].objects : f == 1 ? c.nodes[n].slabs : c.nodes[n].partial) = values[n];
    }
    caches_.push_back(std::move(c));
  }
}

void RecordedSlabState::apply(model::Kernel& kernel, const RecordedCaches& geometry) {
  sim::Machine& m = kernel.machine();
  model::ObjectAllocator& oa = kernel.slab();
  const model::Gfp gfp = model::parse_gfp(kernel.pages().flavour(), "GFP_KERNEL");
  m.spawn(0, [&](sim::Cpu& cpu) {
    // Every cache first: the recorded counts of kmem_cache and kmem_cache_node
    // include the descriptors of all the others.
    std::vector<model::KmemCache*> made(caches_.size(), nullptr);
    for (std::size_t i = 0; i < caches_.size(); ++i)
      made[i] = find_or_create(cpu, kernel, geometry, caches_[i]);
    // The recorded objects include the kernel's own (its caches' descriptors,
    // its boot allocations): the model's own live objects count towards them.
    std::unordered_map<std::string_view, std::uint64_t> own;
    const std::vector<model::SlabinfoRow> rows = oa.slabinfo_rows();
    for (const model::SlabinfoRow& r : rows) own[r.name] = r.active_objs;
    for (std::size_t i = 0; i < caches_.size(); ++i) {
      model::KmemCache* kc = made[i];
      if (!kc) continue;
      const Cache& c = caches_[i];
      const auto mine = own.find(kc->name);
      std::uint64_t already = mine == own.end() ? 0 : mine->second;
      Warm w{kc, {}};
      const std::uint64_t per_slab = std::max<std::uint64_t>(1, kc->objects_per_slab);
      for (std::size_t node = 0; node < c.nodes.size(); ++node) {
        PerNode n = c.nodes[node];
        if (n.objects == 0 || node >= m.config().nodes) continue;
        // Node by node, from node 0: the model does not say on which node its own are.
        const std::uint64_t counted = std::min(already, n.objects);
        already -= counted;
        n.objects -= counted;
        n.slabs -= std::min(n.slabs, counted / per_slab);
        if (n.objects == 0) continue;
        const std::uint64_t total =
            kc->objects_per_slab ? std::max(n.objects, n.slabs * per_slab) : n.objects;
        std::vector<sim::VirtAddr> got;
        got.reserve(total);
        for (std::uint64_t k = 0; k < total; ++k)
          if (const sim::VirtAddr a = oa.kmem_cache_alloc(cpu, *kc, gfp, static_cast<int>(node)))
            got.push_back(a);
        // Free the excess from the last `partial` slabs' worth, round-robin:
        // the last object of each such slab, then the one before it, ...
        std::uint64_t excess = got.size() > n.objects ? got.size() - n.objects : 0;
        const std::uint64_t groups_all = (got.size() + per_slab - 1) / per_slab;
        const std::uint64_t want_groups =
            std::max(n.partial ? n.partial : groups_all, (excess + per_slab - 1) / per_slab);
        const std::uint64_t groups =
            std::clamp<std::uint64_t>(want_groups, 1, std::max<std::uint64_t>(groups_all, 1));
        for (std::uint64_t depth = 0; excess > 0 && depth < per_slab; ++depth)
          for (std::uint64_t g = groups_all - groups; excess > 0 && g < groups_all; ++g) {
            const std::uint64_t first = g * per_slab;
            const std::uint64_t last = std::min<std::uint64_t>(got.size(), first + per_slab);
            if (depth >= last - first) continue;
            sim::VirtAddr& object = got[last - 1 - depth];
            oa.kmem_cache_free(cpu, *kc, object);
            object = sim::VirtAddr{};  // freed (no object is NULL)
            --excess;
          }
        for (const sim::VirtAddr a : got)
          if (a) w.live.push_back(a);
      }
      const std::size_t index = warmed_.size();
      warmed_.push_back(std::move(w));
      by_name_.try_emplace(c.name, index);
      for (const std::string& a : c.aliases) by_name_.try_emplace(a, index);
    }
  });
  m.run();
}

model::KmemCache* RecordedSlabState::find_or_create(sim::Cpu& cpu, model::Kernel& kernel,
                                                    const RecordedCaches& geometry,
                                                    const Cache& c) const {
  model::ObjectAllocator& oa = kernel.slab();
  // The cache's name (s->name): its own, or for an unnamed merge
  // (":0000032") the alias /proc/slabinfo lists it under.
  std::string name = c.name;
  if (!name.empty() && name[0] == ':' && !c.aliases.empty()) {
    name = c.aliases[0];
    for (const std::string& a : c.aliases)
      if (slabinfo_names_.count(a)) name = a;
  }
  for (const model::KmemCache* existing : oa.slab_caches())
    if (existing->name == name) return const_cast<model::KmemCache*>(existing);
  const std::optional<workloads::replaying::CacheSpec> spec = geometry.find(name, 0, 0);
  if (!spec) return nullptr;
  // Each real cache of the snapshot stays a cache of its own, as the
  // recorded kernel kept it (its aliases were merged into it).
  const model::SlabFlags no_merge =
      kernel.pages().flavour() == model::Flavour::linux_2_6 ? 0 : model::SLAB_NO_MERGE;
  return oa.kmem_cache_create(cpu, name, spec->size, spec->align, spec->flags | no_merge,
                              spec->ctor);
}

model::KmemCache* RecordedSlabState::cache(std::string_view name) const {
  const auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : warmed_[it->second].cache;
}

std::optional<std::pair<model::KmemCache*, sim::VirtAddr>> RecordedSlabState::take_object(
    std::string_view name) {
  const auto it = by_name_.find(std::string(name));
  if (it == by_name_.end() || warmed_[it->second].live.empty()) return std::nullopt;
  Warm& w = warmed_[it->second];
  const sim::VirtAddr addr = w.live.back();
  w.live.pop_back();
  return std::make_pair(w.cache, addr);
}

std::uint64_t RecordedSlabState::objects_live() const {
  std::uint64_t n = 0;
  for (const Warm& w : warmed_) n += w.live.size();
  return n;
}

}  // namespace allocsim::io
