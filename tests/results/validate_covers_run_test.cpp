// One validation (issue 18): every value `allocsim validate` accepts runs
// without a range error, and the values `run` cannot take are rejected by
// validate (load_config + check_runnable) already. A table of boundary values per
// field, each with the outcome it must have.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/run/execute.hpp"

namespace allocsim::io {
namespace {

// A small machine and a workload that does each kind of operation twice, its
// values given as params so that one --set reaches each.
constexpr const char* kProbe = R"(
machine:
  cpus: 2
  nodes: 1
  memory: {per_node: 64MiB}
  caches:
    l2: {size: 1MiB}
    llc: {size: 2MiB}
run: {sample_interval: none}
workload:
  generator:
    name: probe
    params: {csize: 64, calign: 0, ksize: 64, vsize: 4KiB, order: 0, count: 1, time: 100}
    caches: [{name: c, size: "${csize}", align: "${calign}"}]
    threads:
      - name: t
        cpus: "0"
        iterations: 2
        ops:
          - kmem_cache_alloc: {cache: c, lifetime: 1us}
          - kmalloc: {size: "${ksize}", lifetime: 1us, count: "${count}"}
          - vmalloc: {size: "${vsize}", lifetime: 1us}
          - alloc_pages: {order: "${order}", lifetime: 1us}
          - compute: "${time}"
)";

struct Case {
  std::vector<std::string> sets;
  bool accepted;
};

std::string p(const std::string& assignment) {
  return "workload.generator.params." + assignment;
}

const std::vector<Case> kCases = {
    {{}, true},
    // kmem cache object size: 1 .. model::kMaxCacheObjectSize, checked before narrowing.
    {{p("csize=1")}, true},
    {{p("csize=4MiB")}, true},
    {{p("csize=4194305")}, false},
    {{p("csize=4294967297")}, false},           // wrapped to 1 before
    {{p("csize=9223372036854775808")}, false},  // wrapped to 0: run failed
    {{p("csize=0")}, false},
    {{p("csize=4MiB"), "kernel.slab=slab"}, true},
    {{p("csize=4MiB"), "kernel.slab=slob"}, true},
    // Alignment: a power of two up to a page.
    {{p("calign=4KiB")}, true},
    {{p("calign=4KiB"), "kernel.slab=slab", "kernel.flavour=linux-2.6"}, true},
    {{p("calign=8KiB")}, false},
    {{p("calign=2147483648")}, false},  // crashed SLAB and SLUB
    {{p("calign=4294967296")}, false},  // wrapped to 0
    {{p("calign=3")}, false},
    // kmalloc and vmalloc sizes: any; a size nothing can serve fails as in Linux (NULL).
    {{p("ksize=0")}, true},
    {{p("ksize=8MiB")}, true},
    {{p("ksize=18446744073709551615")}, true},
    {{p("vsize=1TiB")}, true},
    {{p("vsize=18446744073709551615")}, true},
    // Page orders 0 .. kMaxOrder.
    {{p("order=10")}, true},
    {{p("order=11")}, false},
    {{p("order=table(0:1, 11:1)")}, false},
    // Counts and tables: bounded, at most 2^20 per iteration.
    {{p("count=0")}, true},
    {{p("count=table(0:9, 1000:1)")}, true},
    {{p("count=1048577")}, false},
    {{p("count=table(18446744073709551615:9, 1:1)")}, false},  // ran for ever
    {{p("count=exponential(5)")}, false},
    {{p("count=pareto(1, 2)")}, false},
    // Times.
    {{p("time=0")}, true},
    {{p("time=1ms")}, true},
    {{p("time=9223372036854775808")}, true},
    {{p("time=18446744073709551616")}, false},
    // Machine: CPUs, nodes, caches, memory.
    {{"machine.cpus=1"}, true},
    {{"machine.cpus=0"}, false},
    {{"machine.cpus=8193"}, false},
    {{"machine.arch=i386", "machine.cpus=65"}, false},
    {{"machine.nodes=2"}, true},
    {{"machine.nodes=3"}, true},  // 2 CPUs: a node without CPUs (issue 15)
    {{"machine.nodes=1025"}, false},
    {{"machine.caches.l1d.ways=64"}, true},
    {{"machine.caches.l1d.ways=65"}, false},    // sim's limit: run failed
    {{"machine.caches.l1d.size=2MiB"}, false},  // above the L2: run failed
    {{"machine.caches.llc.size=4GiB"}, false},
    {{"machine.memory.per_node=16MiB"}, true},
    {{"machine.memory.per_node=4KiB"}, false},  // no room to boot: run failed
    {{"machine.memory.per_node=0"}, false},
    {{"machine.memory.per_node=4097"}, false},
    {{"machine.memory.starts=[16TiB]"}, true},
    {{"machine.nodes=2", "machine.memory.starts=[0, 16TiB]"}, false},  // past one mem_map
    // i386: a node that is all HIGHMEM boots from node 0's lowmem (issue 15,
    // bug 3); a lowmem too small for its mem_map is refused, not hung.
    {{"machine.arch=i386", "machine.nodes=2"}, true},
    {{"machine.arch=i386", "machine.nodes=2", "machine.memory.nodes=[16MiB, 4GiB]",
      "machine.memory.starts=[0, 1GiB]"},
     false},
    {{"run.max_host_memory=1MiB"}, false},  // the estimate exceeds it: run refused
    {{"run.max_host_memory=none"}, true},
    // Object-allocator tunables: every cache's, and the probe cache's own.
    {{"kernel.slab=slab", "kernel.slab_limit=0"}, true},
    {{"kernel.slab=slab", "kernel.slab_limit=4094"}, true},
    {{"kernel.slab=slab", "kernel.slab_limit=4095"}, false},  // beyond one percpu unit
    {{"kernel.slab=slab", "kernel.flavour=linux-2.6", "kernel.slab_limit=4095"}, true},
    {{"kernel.slab=slab", "kernel.slab_colour_step=8B"}, true},
    {{"kernel.slab=slab", "kernel.slab_colour_step=4KiB"}, true},
    {{"kernel.slab_colour_step=24B"}, false},
    {{"kernel.slab_colour_step=4B"}, false},
    {{"machine.arch=i386", "kernel.slab_colour_step=4B"}, true},
    {{"kernel.slab_colour_step=8KiB"}, false},
    {{"kernel.slab=slab", "kernel.slab_colour_max=1"}, true},
    {{"kernel.slab_colour_max=0"}, false},
    {{"kernel.slub_cpu_partial=4294967295"}, true},
    {{"kernel.slub_cpu_partial=4294967296"}, false},
    {{"kernel.flavour=linux-2.6", "kernel.slub_cpu_partial=5"}, false},
    {{"kernel.slub_min_partial=18446744073709551615"}, true},
    {{"kernel.slab=slab", "workload.generator.caches.0.limit=0"}, true},
    {{"workload.generator.caches.0.limit=0", "workload.generator.caches.0.batchcount=1"}, false},
    {{"workload.generator.caches.0.batchcount=5"}, false},  // needs limit
    {{"workload.generator.caches.0.limit=10", "workload.generator.caches.0.batchcount=11"}, false},
    {{"kernel.slab=slab", "workload.generator.caches.0.limit=4094",
      "workload.generator.caches.0.shared=128"},
     true},
    {{"workload.generator.caches.0.limit=4095"}, false},
    {{"kernel.slab=slab", "workload.generator.caches.0.colouring=forced", p("csize=4KiB")}, true},
    {{"kernel.slab=slab", "workload.generator.caches.0.colouring=forced", p("csize=4MiB")}, true},
    {{"workload.generator.caches.0.colouring=always"}, false},
    {{"kernel.slab=slab", "workload.generator.caches.0.slab_max_order=10"}, true},
    {{"kernel.flavour=linux-2.6", "workload.generator.caches.0.slab_max_order=1"}, false},
    {{"workload.generator.caches.0.cpu_partial=7", "workload.generator.caches.0.min_partial=0"},
     true},
    {{"kernel.flavour=linux-2.6", "workload.generator.caches.0.cpu_partial=7"}, false},
};

std::string describe(const Case& c) {
  std::string out;
  for (const std::string& s : c.sets) out += " --set " + s;
  return out.empty() ? "(the probe)" : out;
}

TEST(OneValidation, ValidateRejectsWhatRunWouldReject) {
  for (const Case& c : kCases) {
    bool accepted = true;
    std::string why;
    Config config;
    try {
      config = load_config_text(kProbe, "probe.yaml", c.sets);
      check_runnable(config);
    } catch (const ConfigError& e) {
      accepted = false;
      why = e.what();
    }
    EXPECT_EQ(accepted, c.accepted) << describe(c) << ": " << why;
    if (!accepted) continue;
    // What validate accepts, run must take: no error of any kind.
    try {
      execute(config);
    } catch (const std::exception& e) {
      ADD_FAILURE() << describe(c) << ": validate accepts it, but run fails: " << e.what();
    }
  }
}

}  // namespace
}  // namespace allocsim::io
