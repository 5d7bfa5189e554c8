#pragma once
// Reading back the two /proc reports a replay compares with a recording, in
// Linux's text formats: /proc/slabinfo version 2.1 (mm/slab_common.c:
// cache_show) and /proc/buddyinfo (mm/vmstat.c: frag_show_print). The model
// prints both in the same formats, so one reader serves both sides.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace allocsim::workloads::replaying {

struct SlabinfoLine {
  std::string name;
  std::uint64_t active_objs = 0, num_objs = 0, num_slabs = 0;
};
struct BuddyinfoLine {
  int node = 0;
  std::string zone;
  std::vector<std::uint64_t> free;  // free blocks per order
};

// Lines that do not parse (headers, a truncated copy) are left out.
std::vector<SlabinfoLine> parse_slabinfo(std::string_view text);
std::vector<BuddyinfoLine> parse_buddyinfo(std::string_view text);

}  // namespace allocsim::workloads::replaying
