#include "model/proc_vmallocinfo.hpp"

#include <cstdio>
#include <map>

#include "model/kernel_math.hpp"

namespace allocsim::model {

std::string proc_vmallocinfo(const Vmalloc& v) {
  const int width = 2 * static_cast<int>(bytes_per_word(v.arch()));  // %p: two digits a byte
  std::string out;
  char buf[96];
  auto range_line = [&](VirtAddr a, VirtAddr b) {
    // 2.6.32 "0x%p-0x%p %7ld"; 6.8 "0x%pK-0x%pK %7ld" (kptr_restrict=0: raw).
    std::snprintf(buf, sizeof buf, "0x%0*llx-0x%0*llx %7lld", width,
                  static_cast<unsigned long long>(a.value()), width,
                  static_cast<unsigned long long>(b.value()), static_cast<long long>(b - a));
    out += buf;
  };
  for (const Vmalloc::Area& a : v.areas()) {
    range_line(a.start, a.end);
    if (!a.caller.empty()) out += " " + a.caller;  // sprint_symbol / %pS
    if (a.owns_pages && !a.pages.empty()) out += " pages=" + std::to_string(a.pages.size());
    if (a.flags & VM_IOREMAP) out += " ioremap";
    if (a.flags & VM_ALLOC) out += " vmalloc";
    if (a.flags & VM_MAP) out += " vmap";
    if (a.flags & VM_USERMAP) out += " user";
    if (a.flags & VM_VPAGES) out += " vpages";  // 6.8: is_vmalloc_addr(v->pages)
    if (v.numa_info() && a.owns_pages) {        // show_numa_info, nodes in order
      std::map<sim::NodeId, unsigned> per_node;
      for (Pfn p : a.pages) ++per_node[v.page_node(p)];
      for (const auto& [node, n] : per_node)
        out += " N" + std::to_string(node) + "=" + std::to_string(n);
    }
    out += '\n';
  }
  // 6.8 show_purge_info, after the last busy area: the purge tree, whose
  // adjacent ranges were merged on insertion.
  if (v.flavour() != Flavour::linux_2_6 && !v.areas().empty()) {
    const auto& lazy = v.lazy_areas();
    for (std::size_t i = 0; i < lazy.size();) {
      VirtAddr s = lazy[i].start, e = lazy[i].end;
      for (++i; i < lazy.size() && lazy[i].start == e; ++i) e = lazy[i].end;
      range_line(s, e);
      out += " unpurged vm_area\n";
    }
  }
  return out;
}

}  // namespace allocsim::model
