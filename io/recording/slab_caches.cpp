#include "io/recording/slab_caches.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "io/recording/files.hpp"
#include "io/recording/tsv.hpp"

namespace allocsim::io::recording {
namespace fs = std::filesystem;

namespace {

// Attributes copied as printed (one value each).
const std::vector<std::string> kPlain = {
    "object_size", "slab_size",      "align",         "order",           "objs_per_slab",
    "ctor",        "destroy_by_rcu", "hwcache_align", "reclaim_account", "cache_dma",
    "min_partial", "cpu_partial",    "sheaf_capacity"};
// Count attributes: a total column and a <name>_per_node column.
const std::vector<std::string> kCounts = {"objects", "slabs", "partial", "total_objects"};

}  // namespace

const std::vector<std::string>& slab_cache_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c{"name"};
    c.insert(c.end(), kPlain.begin(), kPlain.end());
    for (const std::string& n : kCounts) {
      c.push_back(n);
      c.push_back(n + "_per_node");
    }
    c.push_back("aliases");
    c.push_back("alias_names");
    return c;
  }();
  return columns;
}

SysfsCount parse_sysfs_count(std::string_view text, const std::string& name) {
  const std::string t = trimmed(text);
  const std::size_t blank = t.find(' ');
  const std::string total = t.substr(0, blank);
  SysfsCount out;
  const auto [ptr, ec] = std::from_chars(total.data(), total.data() + total.size(), out.total);
  if (total.empty() || ec != std::errc() || ptr != total.data() + total.size())
    throw std::runtime_error(name + ": not a count: '" + t + "'");
  if (blank != std::string::npos) out.per_node = trimmed(std::string_view(t).substr(blank + 1));
  return out;
}

std::string slab_caches_tsv(const std::string& slab_dir) {
  std::string out;
  tsv_append_row(out, slab_cache_columns());
  std::error_code ec;
  if (!fs::is_directory(slab_dir, ec)) return out;
  std::vector<std::string> caches;
  std::map<std::string, std::vector<std::string>> alias_names;  // target -> symlink names
  for (const auto& entry : fs::directory_iterator(slab_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_symlink(ec)) {
      alias_names[fs::read_symlink(entry.path(), ec).filename().string()].push_back(name);
    } else if (entry.is_directory(ec)) {
      caches.push_back(name);
    }
  }
  std::sort(caches.begin(), caches.end());
  for (const std::string& cache : caches) {
    const std::string dir = slab_dir + "/" + cache + "/";
    std::vector<std::string> row{cache};
    for (const std::string& attr : kPlain) {
      const std::optional<std::string> v = read_text(dir + attr);
      row.push_back(v ? trimmed(*v) : "-");
    }
    for (const std::string& attr : kCounts) {
      const std::optional<std::string> v = read_text(dir + attr);
      if (!v) {
        row.insert(row.end(), {"-", "-"});
        continue;
      }
      const SysfsCount c = parse_sysfs_count(*v, dir + attr);
      row.push_back(std::to_string(c.total));
      row.push_back(c.per_node);
    }
    const std::optional<std::string> aliases = read_text(dir + "aliases");
    row.push_back(aliases ? trimmed(*aliases) : "-");
    std::vector<std::string>& names = alias_names[cache];
    std::sort(names.begin(), names.end());
    std::string joined;
    for (const std::string& n : names) joined += (joined.empty() ? "" : ",") + n;
    row.push_back(joined);
    tsv_append_row(out, row);
  }
  return out;
}

}  // namespace allocsim::io::recording
