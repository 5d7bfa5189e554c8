#include "workloads/trace/synthetic.hpp"

#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace allocsim::workloads::trace {

std::string synthetic_6x_ftrace(std::size_t lines) {
  constexpr std::array<std::string_view, 4> kTasks = {"kworker/10:1-440", "make-16810",
                                                      "Web Content-4242", "<idle>-0"};
  constexpr std::array<std::string_view, 4> kSites = {
      "mem_cgroup_css_alloc+0xd8/0x5b4", "security_file_alloc+0x24/0x100",
      "getname_flags+0x47/0x1f0", "alloc_empty_file+0x6b/0x110"};
  constexpr std::array<std::string_view, 3> kGfp = {"GFP_KERNEL", "GFP_KERNEL|__GFP_ZERO",
                                                    "GFP_ATOMIC|__GFP_NOWARN"};
  constexpr std::array<unsigned, 6> kSizes = {16, 64, 192, 360, 1024, 4096};
  std::string out;
  out.reserve(lines * 170 + 64);
  out += "# tracer: nop\n";
  char buf[320];
  std::uint64_t ptr = 0x3e4c3799;
  for (std::size_t i = 0; i < lines; ++i) {
    const auto& task = kTasks[i % kTasks.size()];
    const unsigned cpu = static_cast<unsigned>(i % 8);
    const std::uint64_t us = 355'000'000 + i * 3;
    const int head = std::snprintf(
        buf, sizeof buf, "%16.*s [%03u] .....  %" PRIu64 ".%06" PRIu64 ": ",
        static_cast<int>(task.size()), task.data(), cpu, us / 1'000'000, us % 1'000'000);
    out.append(buf, static_cast<std::size_t>(head));
    const auto& site = kSites[i % kSites.size()];
    const unsigned size = kSizes[i % kSizes.size()];
    int n = 0;
    switch (i % 6) {
      case 0:
      case 1:
        n = std::snprintf(buf, sizeof buf,
                          "%s: call_site=%.*s ptr=%016" PRIx64
                          " bytes_req=%u bytes_alloc=%u gfp_flags=%.*s node=-1 accounted=%s\n",
                          i % 6 == 0 ? "kmalloc" : "kmem_cache_alloc",
                          static_cast<int>(site.size()), site.data(), ptr + i * 64, size, size + 64,
                          static_cast<int>(kGfp[i % 3].size()), kGfp[i % 3].data(),
                          i % 4 == 0 ? "true" : "false");
        break;
      case 2:
        n = std::snprintf(buf, sizeof buf, "kfree: call_site=%.*s ptr=%016" PRIx64 "\n",
                          static_cast<int>(site.size()), site.data(), ptr + (i - 2) * 64);
        break;
      case 3:
        n = std::snprintf(buf, sizeof buf,
                          "kmem_cache_free: call_site=%.*s ptr=%016" PRIx64 " name=names_cache\n",
                          static_cast<int>(site.size()), site.data(), ptr + (i - 2) * 64);
        break;
      case 4:
        n = std::snprintf(buf, sizeof buf,
                          "mm_page_alloc: page=%016" PRIx64 " pfn=0x%" PRIx64
                          " order=%u migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n",
                          ptr ^ (i * 4096), 0x100000 + i, static_cast<unsigned>(i % 4));
        break;
      default:
        n = std::snprintf(
            buf, sizeof buf, "mm_page_free: page=%016" PRIx64 " pfn=0x%" PRIx64 " order=%u\n",
            ptr ^ ((i - 1) * 4096), 0x100000 + i - 1, static_cast<unsigned>((i - 1) % 4));
        break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace allocsim::workloads::trace
