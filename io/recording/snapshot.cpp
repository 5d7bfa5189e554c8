#include "io/recording/snapshot.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <stdexcept>

#include "io/recording/clock.hpp"
#include "io/recording/cpu_caches.hpp"
#include "io/recording/files.hpp"
#include "io/recording/slab_caches.hpp"

namespace allocsim::io::recording {
namespace fs = std::filesystem;

namespace {

using Step = std::function<void(Snapshot&)>;

Step copy(std::string from, std::string to) {
  return [from = std::move(from), to = std::move(to)](Snapshot& s) {
    if (std::optional<std::string> text = read_text(from)) {
      s.files.push_back({to, std::move(*text), monotonic_ns()});
    } else {
      s.missing.push_back(from);
    }
  };
}

// node<N>/distance and node<N>/cpulist of every node, in node order.
Step numa_nodes(std::string node_dir) {
  return [node_dir = std::move(node_dir)](Snapshot& s) {
    std::vector<std::pair<unsigned, std::string>> nodes;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(node_dir, ec)) {
      const std::string name = e.path().filename().string();
      if (name.size() > 4 && name.rfind("node", 0) == 0 &&
          std::all_of(name.begin() + 4, name.end(), ::isdigit))
        nodes.emplace_back(std::stoul(name.substr(4)), name);
    }
    if (nodes.empty()) s.missing.push_back(node_dir);
    std::sort(nodes.begin(), nodes.end());
    for (const auto& [n, name] : nodes)
      for (const char* file : {"distance", "cpulist"})
        copy(node_dir + "/" + name + "/" + file, "node/" + name + "/" + file)(s);
  };
}

}  // namespace

Snapshot take_snapshot(const SnapshotSources& src, SnapshotWhen when) {
  const std::string vm = src.proc + "/sys/vm/";
  std::vector<Step> steps = {
      [](Snapshot& s) {
        utsname u{};
        if (uname(&u) == 0)
          s.files.push_back({"kernel_release", std::string(u.release) + "\n", monotonic_ns()});
      },
      copy(vm + "min_free_kbytes", "vm/min_free_kbytes"),
      copy(vm + "watermark_scale_factor", "vm/watermark_scale_factor"),
      copy(vm + "lowmem_reserve_ratio", "vm/lowmem_reserve_ratio"),
      copy(vm + "percpu_pagelist_high_fraction", "vm/percpu_pagelist_high_fraction"),
      copy(src.sys + "/devices/system/cpu/online", "cpu/online"),
      numa_nodes(src.sys + "/devices/system/node"),
      [&](Snapshot& s) {
        std::string tsv = cpu_caches_tsv(read_cpu_caches(src.sys + "/devices/system/cpu"));
        s.files.push_back({"cpu_caches.tsv", std::move(tsv), monotonic_ns()});
      },
      [&](Snapshot& s) {
        std::string tsv = slab_caches_tsv(src.sys + "/kernel/slab");
        s.files.push_back({"slab_caches.tsv", std::move(tsv), monotonic_ns()});
      },
      // pagetypeinfo walks every pageblock (tens of ms on a large machine); the rest is quick.
      copy(src.proc + "/pagetypeinfo", "pagetypeinfo"),
      copy(src.proc + "/slabinfo", "slabinfo"),
      copy(src.proc + "/meminfo", "meminfo"),
      copy(src.proc + "/vmstat", "vmstat"),
      copy(src.proc + "/zoneinfo", "zoneinfo"),
      copy(src.proc + "/buddyinfo", "buddyinfo"),
  };
  if (when == SnapshotWhen::after) std::reverse(steps.begin(), steps.end());
  Snapshot s;
  s.start_ns = monotonic_ns();
  for (const Step& step : steps) step(s);
  s.end_ns = monotonic_ns();
  if (std::find(s.missing.begin(), s.missing.end(), src.proc + "/zoneinfo") != s.missing.end())
    throw std::runtime_error("cannot read " + src.proc + "/zoneinfo");
  return s;
}

void write_snapshot(const Snapshot& snapshot, const std::string& dir) {
  for (const SnapshotFile& f : snapshot.files) {
    const fs::path path = fs::path(dir) / f.path;
    fs::create_directories(path.parent_path());
    write_text(path.string(), f.text);
  }
}

}  // namespace allocsim::io::recording
