#include "io/run/recorded_warm_start.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "model/kernel.hpp"
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

RecordedPcpWarmStart::RecordedPcpWarmStart(const std::filesystem::path& recording) {
  // mm/vmstat.c: zoneinfo_show_print prints each zone's "pagesets", a
  // "cpu: N" line then "count:", "high:", "batch:" per CPU.
  const std::string file = (recording / "before" / "zoneinfo").string();
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

void RecordedPcpWarmStart::apply(model::Kernel& kernel) {
  model::PageAllocator& pa = kernel.pages();
  sim::Machine& m = kernel.machine();
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
}

}  // namespace allocsim::io
