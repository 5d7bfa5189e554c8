#include "workloads/replay/proc_text.hpp"

#include "workloads/trace/lex.hpp"

namespace allocsim::workloads::replaying {

namespace lex = trace::lex;

namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && lex::is_space(line[i])) ++i;
    std::size_t j = i;
    while (j < line.size() && !lex::is_space(line[j])) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::vector<SlabinfoLine> parse_slabinfo(std::string_view text) {
  // name active_objs num_objs objsize objperslab pagesperslab : tunables l b s
  //   : slabdata active_slabs num_slabs sharedavail
  std::vector<SlabinfoLine> out;
  lex::for_each_line(text, [&](std::string_view line, std::uint32_t) {
    const std::vector<std::string_view> w = words(line);
    if (w.size() < 16 || w[0][0] == '#' || w[6] != ":" || w[11] != ":" || w[12] != "slabdata")
      return;
    SlabinfoLine l;
    l.name = std::string(w[0]);
    if (lex::parse_u64(w[1], l.active_objs) && lex::parse_u64(w[2], l.num_objs) &&
        lex::parse_u64(w[14], l.num_slabs))
      out.push_back(std::move(l));
  });
  return out;
}

std::vector<BuddyinfoLine> parse_buddyinfo(std::string_view text) {
  // "Node 0, zone   Normal   1904  17669 ..."
  std::vector<BuddyinfoLine> out;
  lex::for_each_line(text, [&](std::string_view line, std::uint32_t) {
    const std::vector<std::string_view> w = words(line);
    if (w.size() < 4 || w[0] != "Node" || w[2] != "zone" || w[1].empty() || w[1].back() != ',')
      return;
    BuddyinfoLine l;
    if (!lex::parse_int(w[1].substr(0, w[1].size() - 1), l.node)) return;
    l.zone = std::string(w[3]);
    for (std::size_t i = 4; i < w.size(); ++i) {
      std::uint64_t n = 0;
      if (!lex::parse_u64(w[i], n)) return;
      l.free.push_back(n);
    }
    out.push_back(std::move(l));
  });
  return out;
}

}  // namespace allocsim::workloads::replaying
