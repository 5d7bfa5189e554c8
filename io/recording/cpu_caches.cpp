#include "io/recording/cpu_caches.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <stdexcept>

#include "io/recording/files.hpp"
#include "io/recording/tsv.hpp"

namespace allocsim::io::recording {
namespace fs = std::filesystem;

namespace {

// "cpu12" -> 12, "index3" -> 3; false for any other name (cpufreq, cpuidle, ...).
bool numbered(const std::string& name, std::string_view prefix, unsigned& n) {
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return false;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size();
  const auto [ptr, ec] = std::from_chars(first, last, n);
  return ec == std::errc() && ptr == last;
}

unsigned to_unsigned(std::string_view text, const std::string& name) {
  const std::string t = trimmed(text);
  unsigned v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size())
    throw std::runtime_error(name + ": not a number: '" + t + "'");
  return v;
}

}  // namespace

const std::vector<std::string>& cpu_cache_columns() {
  static const std::vector<std::string> columns = {"cpu",
                                                   "index",
                                                   "level",
                                                   "type",
                                                   "size",
                                                   "ways_of_associativity",
                                                   "coherency_line_size",
                                                   "shared_cpu_list"};
  return columns;
}

std::uint64_t parse_cache_size(std::string_view text, const std::string& name) {
  std::string t = trimmed(text);
  std::uint64_t scale = 1;
  if (!t.empty() && (t.back() == 'K' || t.back() == 'M' || t.back() == 'G')) {
    scale = t.back() == 'K' ? 1ull << 10 : t.back() == 'M' ? 1ull << 20 : 1ull << 30;
    t.pop_back();
  }
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size())
    throw std::runtime_error(name + ": not a cache size: '" + trimmed(text) + "'");
  return v * scale;
}

std::vector<CpuCache> read_cpu_caches(const std::string& cpu_dir) {
  std::vector<CpuCache> out;
  std::error_code ec;
  for (const auto& cpu_entry : fs::directory_iterator(cpu_dir, ec)) {
    unsigned cpu = 0;
    if (!numbered(cpu_entry.path().filename().string(), "cpu", cpu)) continue;
    for (const auto& idx : fs::directory_iterator(cpu_entry.path() / "cache", ec)) {
      CpuCache c;
      c.cpu = cpu;
      if (!numbered(idx.path().filename().string(), "index", c.index)) continue;
      const std::string d = idx.path().string() + "/";
      const auto get = [&](const char* attr) { return read_text(d + attr); };
      const std::optional<std::string> level = get("level"), type = get("type"), size = get("size"),
                                       ways = get("ways_of_associativity"),
                                       line = get("coherency_line_size"),
                                       shared = get("shared_cpu_list");
      if (!level || !type || !size) continue;  // a cache without geometry (some ARM firmware)
      c.level = to_unsigned(*level, d + "level");
      c.type = trimmed(*type);
      c.size = parse_cache_size(*size, d + "size");
      c.ways = ways ? to_unsigned(*ways, d + "ways_of_associativity") : 0;
      c.line = line ? to_unsigned(*line, d + "coherency_line_size") : 0;
      c.shared_cpu_list = shared ? trimmed(*shared) : "";
      out.push_back(std::move(c));
    }
  }
  std::sort(out.begin(), out.end(), [](const CpuCache& a, const CpuCache& b) {
    return a.cpu != b.cpu ? a.cpu < b.cpu : a.index < b.index;
  });
  return out;
}

std::string cpu_caches_tsv(const std::vector<CpuCache>& caches) {
  std::string out;
  tsv_append_row(out, cpu_cache_columns());
  for (const CpuCache& c : caches)
    tsv_append_row(out, {std::to_string(c.cpu), std::to_string(c.index), std::to_string(c.level),
                         c.type, std::to_string(c.size), std::to_string(c.ways),
                         std::to_string(c.line), c.shared_cpu_list});
  return out;
}

std::vector<CpuCache> parse_cpu_caches_tsv(std::string_view text, const std::string& name) {
  std::vector<CpuCache> out;
  std::size_t pos = 0;
  unsigned number = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++number;
    const std::string where = name + ":" + std::to_string(number);
    const std::vector<std::string> f = tsv_split(line);
    if (number == 1) {
      if (f != cpu_cache_columns())
        throw std::runtime_error(where + ": not a cpu_caches.tsv header");
      continue;
    }
    if (line.empty()) continue;
    if (f.size() != cpu_cache_columns().size())
      throw std::runtime_error(where + ": expected " + std::to_string(cpu_cache_columns().size()) +
                               " fields, got " + std::to_string(f.size()));
    CpuCache c;
    c.cpu = to_unsigned(f[0], where);
    c.index = to_unsigned(f[1], where);
    c.level = to_unsigned(f[2], where);
    c.type = f[3];
    c.size = parse_cache_size(f[4], where);
    c.ways = to_unsigned(f[5], where);
    c.line = to_unsigned(f[6], where);
    c.shared_cpu_list = f[7];
    out.push_back(std::move(c));
  }
  if (number == 0) throw std::runtime_error(name + ": empty, expected a header");
  return out;
}

std::optional<ImportedCaches> machine_caches(const std::vector<CpuCache>& caches,
                                             const std::vector<int>& cpu_node) {
  const CpuCache *l1d = nullptr, *l2 = nullptr, *l3 = nullptr;
  for (const CpuCache& c : caches) {
    if (c.cpu != 0) continue;
    if (c.level == 1 && c.type == "Data") l1d = &c;
    if (c.level == 2 && c.type != "Instruction") l2 = &c;
    if (c.level == 3 && c.type != "Instruction") l3 = &c;
  }
  if (!l1d && !l2 && !l3) return std::nullopt;
  ImportedCaches out;
  for (const CpuCache* c : {l1d, l2, l3})
    if (c && c->line) {
      out.line = c->line;
      break;
    }
  const auto usable = [&](const CpuCache* c) -> std::optional<ImportedCache> {
    const unsigned line = out.line ? out.line : 64;
    if (!c || c->ways == 0 || c->size == 0 || c->size % (std::uint64_t{line} * c->ways) != 0)
      return std::nullopt;
    return ImportedCache{c->size, c->ways};
  };
  out.l1d = usable(l1d);
  out.l2 = usable(l2);
  out.llc = usable(l3);
  if (out.llc) {
    const unsigned sharing =
        static_cast<unsigned>(parse_cpulist(l3->shared_cpu_list, "shared_cpu_list").size());
    // One LLC per node unless it is shared by fewer CPUs than the node has,
    // and then only if that divides every node's CPU count (the config's rule).
    std::vector<unsigned> per_node;
    for (int n : cpu_node)
      if (n >= 0) {
        if (per_node.size() <= static_cast<std::size_t>(n)) per_node.resize(n + 1, 0);
        ++per_node[n];
      }
    const bool whole_node =
        cpu_node.empty() || per_node.empty() || sharing == per_node[cpu_node[0]];
    const bool divides = sharing > 0 && std::all_of(per_node.begin(), per_node.end(),
                                                    [&](unsigned n) { return n % sharing == 0; });
    if (!whole_node && divides) out.llc_shared_by = sharing;
  }
  return out;
}

}  // namespace allocsim::io::recording
