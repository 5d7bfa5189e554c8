#include "io/run/recorded_warm_start.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "model/kernel.hpp"
#include "model/migratetype.hpp"
#include "model/page_alloc.hpp"
#include "model/zone_type.hpp"
#include "sim/machine.hpp"

namespace allocsim::io {

namespace {

// "  count:    57262" -> 57262 under `key`; false when the line is another key.
bool field(const std::string& line, std::string_view key, std::int64_t& v,
           const std::string& where) {
  const std::size_t at = line.find_first_not_of(' ');
  if (at == std::string::npos || line.compare(at, key.size(), key) != 0) return false;
  std::size_t i = at + key.size();
  while (i < line.size() && line[i] == ' ') ++i;
  const auto [end, ec] = std::from_chars(line.data() + i, line.data() + line.size(), v);
  if (ec != std::errc() || end != line.data() + line.size())
    throw std::runtime_error(where + ": " + std::string(key) + " expected a number");
  return true;
}

}  // namespace

RecordedWarmStart::RecordedWarmStart(const std::filesystem::path& recording) {
  if (std::filesystem::exists(recording / "before" / "slab_caches.tsv")) {
    geometry_.emplace(recording);
    slabs_.emplace(recording);
  }
  read_zoneinfo(recording / "before" / "zoneinfo");
  const std::filesystem::path pagetypeinfo = recording / "before" / "pagetypeinfo";
  if (std::filesystem::exists(pagetypeinfo)) read_pagetypeinfo(pagetypeinfo);
  const std::filesystem::path meminfo = recording / "before" / "meminfo";
  if (std::filesystem::exists(meminfo)) read_meminfo(meminfo);
}

void RecordedWarmStart::read_meminfo(const std::filesystem::path& path) {
  // fs/proc/meminfo.c: "Active(file):    1105848 kB".
  const std::string file = path.string();
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file + ": cannot read the recording's meminfo");
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.rfind("Active(file):", 0) != 0 && line.rfind("Inactive(file):", 0) != 0) continue;
    const std::size_t at = line.find_first_not_of(' ', line.find(':') + 1);
    std::uint64_t kb = 0;
    const char* end = line.data() + line.size();
    const auto [stop, ec] = std::from_chars(line.data() + std::min(at, line.size()), end, kb);
    if (ec != std::errc() || std::string_view(stop, static_cast<std::size_t>(end - stop)) != " kB")
      throw std::runtime_error(file + ":" + std::to_string(number) + ": expected '<n> kB'");
    file_lru_pages_ += kb / 4;  // 4 KiB pages
  }
}

void RecordedWarmStart::read_zoneinfo(const std::filesystem::path& path) {
  // mm/vmstat.c: zoneinfo_show_print prints each zone's "pagesets", a
  // "cpu: N" line then "count:", "high:", "batch:" per CPU.
  const std::string file = path.string();
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file + ": cannot read the recording's zoneinfo");
  std::string line;
  int node = -1;
  std::string zone;
  Pcp* cur = nullptr;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string where = file + ":" + std::to_string(number);
    if (line.rfind("Node ", 0) == 0) {
      std::istringstream words(line.substr(5));
      std::string comma, word;
      if (!(words >> node >> comma >> word >> zone) || comma != "," || word != "zone")
        throw std::runtime_error(where + ": expected 'Node <n>, zone <name>'");
      cur = nullptr;
      continue;
    }
    std::int64_t v = 0;
    if (field(line, "cpu:", v, where)) {
      if (node < 0 || v < 0) throw std::runtime_error(where + ": a pageset outside a zone");
      pcps_.push_back({node, zone, static_cast<unsigned>(v), 0, 0});
      cur = &pcps_.back();
    } else if (cur && field(line, "count:", v, where)) {
      cur->count = static_cast<std::uint64_t>(std::max<std::int64_t>(v, 0));
    } else if (cur && field(line, "high:", v, where)) {
      cur->high = v;
    } else if (cur && line.find_first_not_of(' ') != std::string::npos &&
               line.find(':') == std::string::npos) {
      cur = nullptr;  // the end of the pagesets
    }
  }
}

void RecordedWarmStart::read_pagetypeinfo(const std::filesystem::path& path) {
  // mm/vmstat.c: pagetypeinfo_showfree prints "Node %4d, zone %8s, type %12s"
  // and a count per order; pagetypeinfo_showblockcount a header of the type
  // names, then "Node %d, zone %8s" and a count per type.
  const std::string file = path.string();
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file + ": cannot read the recording's pagetypeinfo");
  std::string line;
  std::vector<std::string> block_types;
  const auto zone_of = [&](int node, const std::string& zone) -> FreeArea& {
    for (FreeArea& f : free_areas_)
      if (f.node == node && f.zone == zone) return f;
    free_areas_.push_back({node, zone, {}, {}});
    return free_areas_.back();
  };
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string where = file + ":" + std::to_string(number);
    std::istringstream words(line);
    std::string word;
    if (line.rfind("Number of blocks type", 0) == 0) {
      std::istringstream names(line.substr(21));
      block_types.clear();
      while (names >> word) block_types.push_back(word);
      continue;
    }
    if (line.rfind("Node", 0) != 0) continue;
    int node = -1;
    std::string comma, zone_word, zone;
    if (!(words >> word >> node >> comma >> zone_word >> zone) || comma != "," ||
        zone_word != "zone" || node < 0)
      throw std::runtime_error(where + ": expected 'Node <n>, zone <name>'");
    std::uint64_t v = 0;
    if (zone.back() == ',') {  // a free-count line: "..., type <name> <counts>"
      zone.pop_back();
      std::string type_word, type;
      if (!(words >> type_word >> type) || type_word != "type")
        throw std::runtime_error(where + ": expected 'type <migratetype>'");
      std::array<std::uint64_t, model::kNrOrders> counts{};
      std::size_t o = 0;
      while (words >> v) {
        if (o == counts.size())
          throw std::runtime_error(where + ": more orders than the model has");
        counts[o++] = v;
      }
      if (!words.eof() || o == 0) throw std::runtime_error(where + ": expected a count per order");
      zone_of(node, zone).free.emplace_back(type, counts);
    } else {
      if (block_types.empty())
        throw std::runtime_error(where + ": block counts before the 'Number of blocks type' line");
      FreeArea& f = zone_of(node, zone);
      for (const std::string& type : block_types) {
        if (!(words >> v)) throw std::runtime_error(where + ": expected a block count for " + type);
        f.blocks.emplace_back(type, v);
      }
    }
  }
}

void RecordedWarmStart::apply(model::Kernel& kernel) {
  model::PageAllocator& pa = kernel.pages();
  sim::Machine& m = kernel.machine();
  // The slabs first, from the model's free memory, then the free lists (what
  // is left beyond them is the memory in use), the pcp lists from that memory.
  if (slabs_) slabs_->apply(kernel, *geometry_);
  const model::Flavour flavour = pa.flavour();
  const model::MigrateTypes t = model::migrate_types(flavour);
  const auto migratetype = [&](const std::string& name) -> unsigned {
    for (unsigned mt = 0; mt < t.count; ++mt)
      if (model::migratetype_name(flavour, mt) == name) return mt;
    // 6.x's HighAtomic and 2.6's Reserve are each other's reserve; CMA and
    // anything else the flavour lacks count as Movable.
    if (name == "HighAtomic" || name == "Reserve") return t.reserve;
    return t.movable;
  };
  for (const FreeArea& f : free_areas_)
    for (std::size_t z = 0; z < pa.zones().size(); ++z) {
      const model::Zone& zone = pa.zones()[z];
      if (static_cast<int>(zone.node) != f.node || model::zone_name(zone.type) != f.zone) continue;
      model::WarmFreeArea want;
      for (const auto& [name, counts] : f.free)
        for (unsigned o = 0; o < model::kNrOrders; ++o)
          want.free[migratetype(name)][o] += counts[o];
      for (const auto& [name, n] : f.blocks) want.blocks[migratetype(name)] += n;
      const model::WarmFreeAreaResult r = pa.warm_free_area(z, want);
      free_pages_ += r.free_pages;
      held_pages_ += r.held_pages;
      missing_blocks_ += r.missing_blocks;
    }
  // Each CPU fills its own lists, under the zone locks, as a refill would.
  for (sim::CpuId c = 0; c < m.cpus(); ++c)
    m.spawn(c, [this, &pa, c](sim::Cpu& cpu) {
      for (const Pcp& p : pcps_) {
        if (p.cpu != c) continue;
        for (std::size_t z = 0; z < pa.zones().size(); ++z) {
          const model::Zone& zone = pa.zones()[z];
          if (static_cast<int>(zone.node) == p.node && model::zone_name(zone.type) == p.zone)
            moved_ += pa.warm_pcp(cpu, z, p.count, p.high);
        }
      }
    });
  m.run();
  // The file LRU, split over the nodes by the memory each still holds.
  std::uint64_t held = 0;
  for (sim::NodeId n = 0; n < m.config().nodes; ++n) held += pa.warm_held_pages(n);
  const std::uint64_t total = std::min(file_lru_pages_, held);
  std::uint64_t left = total;
  for (sim::NodeId n = 0; n < m.config().nodes && held > 0; ++n) {
    const std::uint64_t share =
        n + 1 == m.config().nodes
            ? left
            : static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) *
                                         pa.warm_held_pages(n) / held);
    const std::uint64_t got = pa.warm_page_cache(n, std::min(share, left));
    page_cache_pages_ += got;
    left -= got;
  }
}

}  // namespace allocsim::io
