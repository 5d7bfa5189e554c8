#include "io/machine_import/machine_import.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/config/error.hpp"

namespace allocsim::io {
namespace {

[[noreturn]] void bad(const std::string& file, int line, const std::string& message) {
  throw ConfigError(Origin{file, line, 0, 0}, "", message);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(Origin{path, 0, 0, 0}, "", "cannot read this file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::uint64_t number(const std::string& word, const std::string& file, int line) {
  if (word.empty() || !std::all_of(word.begin(), word.end(), ::isdigit))
    bad(file, line, "expected a number, got '" + word + "'");
  try {
    return std::stoull(word);
  } catch (const std::out_of_range&) {
    bad(file, line, "number out of range: " + word);
  }
}

constexpr unsigned kPageShift = 12;
constexpr std::uint64_t kNodeAlignPages = 1024;  // MAX_ORDER_NR_PAGES: node starts round down to it

}  // namespace

std::vector<ImportedZone> parse_zoneinfo(const std::string& text, const std::string& name) {
  std::vector<ImportedZone> zones;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  ImportedZone* cur = nullptr;
  bool in_pagesets = false;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "Node") {
      std::string node_word, zone_word, zone_name;
      words >> node_word >> zone_word >> zone_name;
      if (node_word.empty() || node_word.back() != ',' || zone_word != "zone" || zone_name.empty())
        bad(name, n, "expected 'Node N, zone NAME'");
      node_word.pop_back();
      zones.push_back(
          {static_cast<unsigned>(number(node_word, name, n)), zone_name, 0, 0, 0, std::nullopt});
      cur = &zones.back();
      in_pagesets = false;
      continue;
    }
    if (!cur || first.empty()) continue;
    if (first == "pagesets") in_pagesets = true;
    if (in_pagesets && first != "start_pfn:") continue;
    std::string value;
    if (first == "spanned" || first == "present" || first == "managed" || first == "start_pfn:") {
      words >> value;
      const std::uint64_t v = number(value, name, n);
      if (first == "spanned") cur->spanned = v;
      if (first == "present") cur->present = v;
      if (first == "managed") cur->managed = v;
      if (first == "start_pfn:") cur->start_pfn = v;
    }
  }
  if (zones.empty()) bad(name, 0, "no 'Node N, zone NAME' lines: not a /proc/zoneinfo");
  // 6.x lists unpopulated zones too: keep the zones that have memory.
  std::erase_if(zones, [](const ImportedZone& z) { return z.present == 0; });
  for (const ImportedZone& z : zones)
    if (z.spanned == 0)
      bad(name, 0, "zone " + z.zone + " of node " + std::to_string(z.node) + " has no 'spanned'");
  return zones;
}

std::vector<unsigned> parse_distance_line(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::vector<unsigned> out;
  std::string w;
  while (in >> w) out.push_back(static_cast<unsigned>(number(w, name, 1)));
  if (out.empty()) bad(name, 1, "no distances");
  return out;
}

std::vector<unsigned> parse_cpulist(const std::string& text, const std::string& name) {
  std::vector<unsigned> cpus;
  std::string t = text;
  std::erase_if(t, [](char c) { return c == '\n' || c == '\r' || c == ' '; });
  std::istringstream in(t);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (part.empty()) continue;
    const auto dash = part.find('-');
    const std::uint64_t a = number(part.substr(0, dash), name, 1);
    const std::uint64_t b = dash == std::string::npos ? a : number(part.substr(dash + 1), name, 1);
    if (b < a) bad(name, 1, "bad CPU range '" + part + "'");
    for (std::uint64_t c = a; c <= b; ++c) cpus.push_back(static_cast<unsigned>(c));
  }
  return cpus;
}

unsigned count_cpuinfo_processors(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  unsigned n = 0;
  while (std::getline(in, line))
    if (line.rfind("processor", 0) == 0) ++n;
  return n;
}

ImportedMachine import_machine(const ImportSources& src) {
  namespace fs = std::filesystem;
  ImportedMachine m;
  const std::string zoneinfo = slurp(src.zoneinfo);
  m.zones = parse_zoneinfo(zoneinfo, src.zoneinfo);
  m.has_managed = zoneinfo.find("managed") != std::string::npos;
  unsigned nodes = 0;
  for (const ImportedZone& z : m.zones) nodes = std::max(nodes, z.node + 1);
  if (!src.distance_dir.empty() && fs::exists(src.distance_dir)) {
    std::map<unsigned, std::vector<unsigned>> cpus_of;
    for (unsigned n = 0; n < nodes; ++n) {
      const fs::path dir = fs::path(src.distance_dir) / ("node" + std::to_string(n));
      const fs::path dist = dir / "distance";
      if (!fs::exists(dist)) {
        m.distance.clear();
        break;
      }
      m.distance.push_back(parse_distance_line(slurp(dist.string()), dist.string()));
      if (m.distance.back().size() < nodes) bad(dist.string(), 1, "fewer distances than nodes");
      m.distance.back().resize(nodes);
      const fs::path list = dir / "cpulist";
      if (fs::exists(list)) cpus_of[n] = parse_cpulist(slurp(list.string()), list.string());
    }
    for (const auto& [node, cpus] : cpus_of)
      for (unsigned c : cpus) {
        if (c >= m.cpu_node.size()) m.cpu_node.resize(c + 1, -1);
        m.cpu_node[c] = static_cast<int>(node);
      }
  }
  if (!src.min_free_kbytes.empty() && fs::exists(src.min_free_kbytes)) {
    std::string t = slurp(src.min_free_kbytes);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    m.min_free_kbytes = number(t, src.min_free_kbytes, 1);
  }
  if (!m.cpu_node.empty() &&
      std::find(m.cpu_node.begin(), m.cpu_node.end(), -1) == m.cpu_node.end())
    m.cpus = static_cast<unsigned>(m.cpu_node.size());
  else if (!src.cpuinfo.empty() && fs::exists(src.cpuinfo))
    m.cpus = count_cpuinfo_processors(slurp(src.cpuinfo));
  if (m.cpus == 0) m.cpus = nodes;  // at least one CPU per node
  if (m.cpu_node.size() != m.cpus) m.cpu_node.clear();
  return m;
}

std::string closest_flavour(const std::optional<std::string>& kernel_release, bool has_managed) {
  if (kernel_release) {
    // "MAJOR.MINOR...": 2.x is linux-2.6; 6.18 and later linux-6.18; anything
    // between is nearer linux-6 (6.8).
    unsigned major = 0, minor = 0;
    char dot = 0;
    std::istringstream in(*kernel_release);
    if (in >> major && major > 0) {
      if (major < 3) return "linux-2.6";
      if (in >> dot >> minor && dot == '.' && (major > 6 || (major == 6 && minor >= 18)))
        return "linux-6.18";
      return major > 6 ? "linux-6.18" : "linux-6";
    }
  }
  return has_managed ? "linux-6" : "linux-2.6";
}

std::string machine_yaml(const ImportedMachine& m, const std::string& name,
                         const std::string& origin, const std::string& by) {
  unsigned nodes = 0;
  for (const ImportedZone& z : m.zones) nodes = std::max(nodes, z.node + 1);
  std::vector<std::uint64_t> start(nodes, ~0ull), end(nodes, 0);
  for (const ImportedZone& z : m.zones) {
    start[z.node] = std::min(start[z.node], z.start_pfn / kNodeAlignPages * kNodeAlignPages);
    end[z.node] = std::max(end[z.node], z.start_pfn + z.spanned);
  }
  std::ostringstream y;
  y << "# Imported by `" << by << "` from " << origin << ".\n"
    << (m.caches
            ? "# Nodes, zones, distances, CPUs, caches and min_free_kbytes come from the machine;\n"
              "# latencies and bandwidths are the embedded default's.\n"
            : "# Nodes, zones, distances, CPUs and min_free_kbytes come from the machine;\n"
              "# caches, latencies and bandwidths are the embedded default's.\n")
    << "machine:\n  name: " << name << "\n  arch: x86_64\n  cpus: " << std::max(m.cpus, nodes)
    << "\n  nodes: " << nodes << "\n";
  if (!m.cpu_node.empty()) {
    y << "  cpu_nodes: [";
    for (std::size_t i = 0; i < m.cpu_node.size(); ++i) y << (i ? ", " : "") << m.cpu_node[i];
    y << "]\n";
  } else if (nodes > 1) {
    // Without cpulists: CPUs spread in equal blocks (any remainder on the last node).
    const unsigned cpus = std::max(m.cpus, nodes);
    y << "  cpu_nodes: [";
    for (unsigned c = 0; c < cpus; ++c)
      y << (c ? ", " : "") << std::min(c / (cpus / nodes), nodes - 1);
    y << "]\n";
  }
  y << "  memory:\n    nodes: [";
  for (unsigned n = 0; n < nodes; ++n)
    y << (n ? ", " : "") << ((end[n] - start[n]) << kPageShift) << "B";
  y << "]\n    starts: [";
  for (unsigned n = 0; n < nodes; ++n) y << (n ? ", " : "") << (start[n] << kPageShift) << "B";
  y << "]\n";
  if (!m.distance.empty()) {
    y << "  interconnect:\n    distance:\n";
    for (const auto& row : m.distance) {
      y << "      - [";
      for (std::size_t i = 0; i < row.size(); ++i) y << (i ? ", " : "") << row[i];
      y << "]\n";
    }
  }
  if (m.caches) {
    const ImportedCaches& c = *m.caches;
    y << "  caches:\n";
    if (c.line) y << "    line: " << c.line << "B\n";
    const auto level = [&](const char* key, const std::optional<ImportedCache>& cache,
                           unsigned shared_by) {
      if (!cache) return;
      y << "    " << key << ": {size: " << cache->size << "B, ways: " << cache->ways;
      if (shared_by) y << ", shared_by: " << shared_by;
      y << "}\n";
    };
    level("l1d", c.l1d, 0);
    level("l2", c.l2, 0);
    level("llc", c.llc, c.llc_shared_by);
  }
  y << "  zones:\n";
  for (const ImportedZone& z : m.zones) {
    y << "    - {node: " << z.node << ", zone: " << z.zone << ", start_pfn: " << z.start_pfn
      << ", spanned: " << z.spanned << ", present: " << z.present;
    if (z.managed) y << ", managed: " << *z.managed;
    y << "}\n";
  }
  y << "kernel:\n  flavour: " << closest_flavour(m.kernel_release, m.has_managed) << "\n";
  if (m.min_free_kbytes) y << "  min_free_kbytes: " << *m.min_free_kbytes << "\n";
  return y.str();
}

}  // namespace allocsim::io
