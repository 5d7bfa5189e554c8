// The `kernel:` section: the Linux generation and the page allocator's
// tunables. Keys a flavour does not have are errors when set for it.
#include <algorithm>
#include <charconv>
#include <string>

#include "io/config/sections.hpp"
#include "io/config/units.hpp"
#include "model/jiffies.hpp"
#include "model/magazine.hpp"
#include "model/rcu.hpp"
#include "model/slab_design.hpp"
#include "model/slab_tunables.hpp"

namespace allocsim::io {
namespace {

constexpr std::array<EnumName<model::Flavour>, 3> kFlavours{{
    {"linux-2.6", model::Flavour::linux_2_6},
    {"linux-6", model::Flavour::linux_6},
    {"linux-6.18", model::Flavour::linux_6_18},
}};

constexpr std::array<EnumName<model::SlubSheaves>, 3> kSheaves{{
    {"none", model::SlubSheaves::none},
    {"opt-in", model::SlubSheaves::opt_in},
    {"all", model::SlubSheaves::all},
}};

bool set_by_user(const Value& v) {
  return v.origin().layer != 0;
}

// A linux-6 tunable: under linux-2.6 setting it is an error, and the resolved
// config leaves it out (so that it loads back). Returns whether to read it.
bool linux6_key(MapReader& kernel, std::string_view key, model::Flavour f) {
  if (f != model::Flavour::linux_2_6) return true;
  const Value v = kernel.get(key);
  if (set_by_user(v)) v.fail("does not exist in linux-2.6 (a linux-6 tunable)");
  return false;
}

// A linux-6.18 key: under the older flavours a value other than the default
// is an error. The default itself passes, so that configs/default.yaml (which
// spells out every key) still runs as a file under linux-6.
bool linux618_key(MapReader& kernel, std::string_view key, model::Flavour f,
                  std::string_view default_value) {
  if (f == model::Flavour::linux_6_18) return true;
  const Value v = kernel.get(key);
  if (set_by_user(v) && !(v.node().is_scalar() && v.as_string() == default_value))
    v.fail("does not exist in " + std::string(model::to_string(f)) + " (a linux-6.18 key)");
  return false;
}

// A key that is `auto` (the kernel's rule: empty) or an integer in lo..hi.
std::optional<std::uint64_t> auto_or_uint(MapReader& kernel, std::string_view key, std::uint64_t lo,
                                          std::uint64_t hi) {
  const Value v = kernel.get(key);
  if (v.node().is_scalar() && v.as_string() == "auto") {
    kernel.record(key, "auto");
    return std::nullopt;
  }
  const std::uint64_t n = v.as_uint(lo, hi);
  kernel.record(key, std::to_string(n));
  return n;
}

// kernel.slab: any registered design (model/slab_design.cpp); linux-6.18 runs
// those Linux still has and the research designs. kernel.magazine_rounds: the
// magazine design's M, read whatever the design (like the other per-design keys).
void read_slab_design(MapReader& kernel, model::Flavour f, model::SlabConfig& sc) {
  const Value slab = kernel.get("slab");
  const model::SlabDesign& d = model::slab_designs()[slab.as_choice(model::slab_design_names())];
  if (!model::design_in_flavour(d.traits, f)) {
    std::string allowed;
    for (const model::SlabDesign& o : model::slab_designs())
      if (model::design_in_flavour(o.traits, f))
        allowed += (allowed.empty() ? "" : ", ") + std::string(o.traits.name);
    slab.fail(std::string(model::to_string(f)) + " has no " + std::string(d.traits.display_name) +
              " (removed in " + std::string(d.traits.removed_in) + "); it runs " + allowed);
  }
  sc.design = d.traits.name;
  kernel.record("slab", std::string(d.traits.name));
  if (auto m = auto_or_uint(kernel, "magazine_rounds", 1, model::kMaxMagazineRounds))
    sc.magazine_rounds = static_cast<unsigned>(*m);
}

// The object-allocator tunables given to every cache (docs/config.md,
// "Object-allocator tunables").
void read_slab_tunables(MapReader& kernel, model::Flavour f, sim::Arch arch,
                        model::SlabConfig& sc) {
  if (auto limit = auto_or_uint(kernel, "slab_limit", 0, model::max_cpucache_limit(f)))
    sc.slab_limit = static_cast<std::uint32_t>(*limit);
  const Value step = kernel.get("slab_colour_step");
  if (step.node().is_scalar() && step.as_string() == "auto") {
    kernel.record("slab_colour_step", "auto");
  } else {
    const std::uint64_t bytes = step.as_size();
    const std::uint32_t word = arch == sim::Arch::x86_64 ? 8 : 4;
    if (bytes & (bytes - 1)) step.fail("must be a power of two, got " + format_size(bytes));
    if (bytes < word || bytes > model::kPageSize)
      step.fail("must be between the word size (" + format_size(word) +
                ") and a page (4KiB), got " + format_size(bytes));
    sc.slab_colour_step = static_cast<std::uint32_t>(bytes);
    kernel.record("slab_colour_step", format_size(bytes));
  }
  // At most one colour per word of the largest slab.
  if (auto n =
          auto_or_uint(kernel, "slab_colour_max", 1, (model::kPageSize << model::kMaxOrder) / 4))
    sc.slab_colour_max = static_cast<std::uint32_t>(*n);
  if (linux6_key(kernel, "slub_cpu_partial", f))  // cpu_partial came with 3.2
    if (auto n = auto_or_uint(kernel, "slub_cpu_partial", 0, 0xffffffffull))
      sc.slub_cpu_partial = static_cast<unsigned>(*n);
  // min_partial is an unsigned long.
  const std::uint64_t ulong_max = arch == sim::Arch::i386 ? 0xffffffffull : ~0ull;
  sc.slub_min_partial = auto_or_uint(kernel, "slub_min_partial", 0, ulong_max);
}

// kernel.rcu_grace_period: auto (model::kDefaultRcuGraceJiffies), a time, or
// "<n> jiffies" at kernel.hz; resolved to cycles. At most 10 s: a grace period
// longer than that is a stall RCU warns of (rcu_cpu_stall_timeout, 21 s).
void read_rcu_grace(MapReader& kernel, double ghz, model::KernelConfig& k) {
  const Value v = kernel.get("rcu_grace_period");
  const std::string text = v.as_string();
  if (text == "auto") {
    kernel.record("rcu_grace_period", "auto");
    return;
  }
  const model::Jiffies jiffies(ghz, k.hz, k.flavour);
  sim::Cycles cycles = 0;
  const std::size_t unit = text.find("jiff");
  if (unit != std::string::npos) {
    std::size_t end = unit;
    while (end > 0 && text[end - 1] == ' ') --end;
    std::uint64_t n = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, n);
    const std::string_view rest = std::string_view(text).substr(unit);
    if (ec != std::errc() || ptr != text.data() + end || end == 0 ||
        (rest != "jiffies" && rest != "jiffy"))
      v.fail("expected a time (e.g. 12ms), '<n> jiffies' or auto, got '" + text + "'");
    if (n == 0 || n > 10ull * k.hz)
      v.fail("must be 1 to " + std::to_string(10 * k.hz) + " jiffies");
    cycles = n * jiffies.cycles_per_jiffy();
  } else {
    cycles = v.as_time(ghz);
    if (cycles == 0) v.fail("must be at least one cycle");
    if (cycles > static_cast<sim::Cycles>(10 * ghz * 1e9)) v.fail("must be at most 10s");
  }
  k.rcu_grace_period = cycles;
  kernel.record("rcu_grace_period", std::to_string(cycles) + "cycles");
}

}  // namespace

model::KernelConfig read_kernel(MapReader& top, sim::Arch arch, double ghz,
                                std::vector<model::ZoneSpec> zones) {
  MapReader kernel = top.map("kernel", {"flavour",
                                        "min_free_kbytes",
                                        "watermark_scale_factor",
                                        "watermark_boost_factor",
                                        "transparent_hugepage",
                                        "pcp",
                                        "percpu_pagelist_high_fraction",
                                        "pcp_batch",
                                        "pcp_high",
                                        "lowmem_reserve_ratio",
                                        "pageblock_order",
                                        "mobility_grouping",
                                        "reclaim",
                                        "slab",
                                        "slab_colouring",
                                        "slab_merge",
                                        "slab_max_order",
                                        "slub_min_order",
                                        "slub_max_order",
                                        "slub_min_objects",
                                        "stop_on_error",
                                        "magazine_rounds",
                                        "zone_device",
                                        "slub_sheaves",
                                        "slub_cpu_partial",
                                        "slub_min_partial",
                                        "slab_limit",
                                        "slab_colour_step",
                                        "slab_colour_max",
                                        "hz",
                                        "rcu_grace_period",

                                        "stat_interval"});
  model::KernelConfig k;
  k.flavour = kernel.enumeration("flavour", kFlavours);
  k.hz = static_cast<unsigned>(kernel.uint("hz", 1, 1000));
  if (std::find(model::kHzChoices.begin(), model::kHzChoices.end(), k.hz) ==
      model::kHzChoices.end())
    kernel.get("hz").fail("must be 100, 250, 300 or 1000 (CONFIG_HZ)");
  read_rcu_grace(kernel, ghz, k);
  // vm.stat_interval (seconds; proc_dointvec_jiffies), or none: no vmstat work.
  const Value interval = kernel.get("stat_interval");
  if (interval.node().is_scalar() && interval.as_string() == "none") {
    k.stat_interval = 0;
    kernel.record("stat_interval", "none");
  } else {
    if (interval.node().is_scalar() &&
        interval.as_string().find_first_not_of("0123456789") != std::string::npos)
      interval.fail("must be whole seconds (1..3600) or none");
    k.stat_interval = static_cast<unsigned>(interval.as_uint(1, 3600));
    kernel.record("stat_interval", std::to_string(k.stat_interval));
  }

  const Value mfk = kernel.get("min_free_kbytes");
  if (mfk.node().is_scalar() && mfk.as_string() == "auto") {
    kernel.record("min_free_kbytes", "auto");
  } else {
    k.min_free_kbytes = mfk.as_uint(1, std::uint64_t{1} << 40);
    kernel.record("min_free_kbytes", std::to_string(*k.min_free_kbytes));
  }
  if (linux6_key(kernel, "watermark_scale_factor", k.flavour))
    k.watermark_scale_factor =
        static_cast<unsigned>(kernel.uint("watermark_scale_factor", 1, 3000));
  if (linux6_key(kernel, "watermark_boost_factor", k.flavour))
    k.watermark_boost_factor =
        static_cast<unsigned>(kernel.uint("watermark_boost_factor", 0, 1u << 30));
  if (linux6_key(kernel, "transparent_hugepage", k.flavour))
    k.transparent_hugepage = kernel.boolean("transparent_hugepage");
  k.pcp = kernel.boolean("pcp");
  if (linux6_key(kernel, "percpu_pagelist_high_fraction", k.flavour)) {
    const Value fraction = kernel.get("percpu_pagelist_high_fraction");
    k.percpu_pagelist_high_fraction = static_cast<unsigned>(fraction.as_uint(0, 1u << 30));
    if (k.percpu_pagelist_high_fraction != 0 && k.percpu_pagelist_high_fraction < 8)
      fraction.fail("must be 0 (auto) or at least 8 (MIN_PERCPU_PAGELIST_HIGH_FRACTION)");
    kernel.record("percpu_pagelist_high_fraction", std::to_string(k.percpu_pagelist_high_fraction));
  }
  read_pcp_sizes(kernel, arch, k);

  if (linux618_key(kernel, "zone_device", k.flavour, "true")) {
    k.zone_device = kernel.boolean("zone_device");
    if (k.zone_device && arch != sim::Arch::x86_64 && set_by_user(kernel.get("zone_device")))
      kernel.get("zone_device").fail("needs x86_64 (ZONE_DEVICE needs SPARSEMEM_VMEMMAP)");
  }
  const unsigned nr_zones = model::nr_zone_indices(k.flavour, arch, k.zone_device);
  const Value ratio = kernel.get("lowmem_reserve_ratio");
  if (ratio.node().is_scalar() && ratio.as_string() == "auto") {
    kernel.record("lowmem_reserve_ratio", "auto");
  } else {
    const std::vector<Value> items = ratio.as_sequence();
    if (items.size() != nr_zones)
      ratio.fail("needs " + std::to_string(nr_zones) + " entries, one per zone index");
    std::array<unsigned, model::kMaxNrZones> r{};
    std::vector<std::string> names;
    for (std::size_t i = 0; i < items.size(); ++i) {
      r[i] = static_cast<unsigned>(items[i].as_uint(0, 1u << 30));
      names.push_back(std::to_string(r[i]));
    }
    k.lowmem_reserve_ratio = r;
    kernel.record("lowmem_reserve_ratio", resolved_list(names));
  }
  k.pageblock_order = static_cast<unsigned>(kernel.uint("pageblock_order", 1, model::kMaxOrder));
  k.mobility_grouping = kernel.boolean("mobility_grouping");

  // The object allocator and its boot options (slab_max_order=, slub_*=, slab_nomerge).
  model::SlabConfig& sc = k.slab;
  read_slab_design(kernel, k.flavour, sc);
  if (linux618_key(kernel, "slub_sheaves", k.flavour, "opt-in"))
    sc.sheaves = kernel.enumeration("slub_sheaves", kSheaves);
  sc.colouring = kernel.boolean("slab_colouring");
  sc.merge = kernel.boolean("slab_merge");
  if (linux6_key(kernel, "slab_max_order", k.flavour))
    if (auto smo = auto_or_uint(kernel, "slab_max_order", 0, model::kMaxOrder))
      sc.slab_max_order = static_cast<int>(*smo);
  sc.slub_min_order = static_cast<unsigned>(kernel.uint("slub_min_order", 0, model::kMaxOrder));
  sc.slub_max_order = static_cast<unsigned>(kernel.uint("slub_max_order", 0, model::kMaxOrder));
  if (sc.slub_min_order > sc.slub_max_order)
    kernel.get("slub_min_order").fail("is larger than slub_max_order");
  sc.slub_min_objects = static_cast<unsigned>(kernel.uint("slub_min_objects", 0, 32767));
  read_slab_tunables(kernel, k.flavour, arch, sc);
  sc.stop_on_error = kernel.boolean("stop_on_error");

  MapReader reclaim =
      kernel.map("reclaim", {"batch", "cycles_per_page", "kswapd_delay", "max_retries"});
  k.reclaim_batch = reclaim.uint("batch", 1, 1u << model::kMaxOrder);
  k.reclaim_cycles_per_page = reclaim.uint("cycles_per_page", 0, 1u << 30);
  k.kswapd_wakeup_delay = reclaim.uint("kswapd_delay", 0, std::uint64_t{1} << 40);
  k.max_reclaim_retries = static_cast<unsigned>(reclaim.uint("max_retries", 1, 1000));
  reclaim.done();

  kernel.done();
  k.zones = std::move(zones);
  return k;
}

}  // namespace allocsim::io
