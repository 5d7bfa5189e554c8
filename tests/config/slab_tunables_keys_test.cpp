// The object-allocator tunables in YAML: kernel.slab_limit, slab_colour_step,
// slab_colour_max, slub_cpu_partial, slub_min_partial and the per-cache keys
// of workload.generator.caches[], read, resolved and refused with file:line.
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "io/config/load.hpp"

namespace allocsim::io {
namespace {

using allocsim::io::testing::load_error;

TEST(SlabTunableKeys, ReadResolvedAndLoadedBack) {
  const Config d = load_config({});
  EXPECT_FALSE(d.kernel.slab.slab_limit);
  EXPECT_EQ(d.kernel.slab.slab_colour_step, 0u);
  EXPECT_EQ(d.kernel.slab.slab_colour_max, 0u);
  EXPECT_FALSE(d.kernel.slab.slub_cpu_partial);
  EXPECT_FALSE(d.kernel.slab.slub_min_partial);
  const Config c = load_config_text(
      "kernel:\n  slab_limit: 0\n  slab_colour_step: 8\n  slab_colour_max: 3\n"
      "  slub_cpu_partial: 30\n  slub_min_partial: 7\n");
  for (const Config* k : {&c}) {
    EXPECT_EQ(*k->kernel.slab.slab_limit, 0u);
    EXPECT_EQ(k->kernel.slab.slab_colour_step, 8u);
    EXPECT_EQ(k->kernel.slab.slab_colour_max, 3u);
    EXPECT_EQ(*k->kernel.slab.slub_cpu_partial, 30u);
    EXPECT_EQ(*k->kernel.slab.slub_min_partial, 7u);
  }
  EXPECT_NE(c.resolved_yaml.find("  slab_colour_step: 8B\n"), std::string::npos);
  const Config again = load_config_text(c.resolved_yaml);
  EXPECT_EQ(again.kernel.slab.slab_colour_step, 8u);
  EXPECT_EQ(*again.kernel.slab.slab_limit, 0u);
}

TEST(SlabTunableKeys, BadValuesNameFileLineAndKey) {
  auto msg = [](const char* yaml) { return std::string(load_error(yaml).what()); };
  EXPECT_EQ(msg("kernel:\n  slab_colour_step: 24\n"),
            "t.yaml:2:21: kernel.slab_colour_step: must be a power of two, got 24B");
  EXPECT_EQ(msg("kernel:\n  slab_colour_step: 4\n"),
            "t.yaml:2:21: kernel.slab_colour_step: must be between the word size (8B) and a "
            "page (4KiB), got 4B");
  EXPECT_EQ(msg("kernel:\n  slab_colour_step: 8KiB\n"),
            "t.yaml:2:21: kernel.slab_colour_step: must be between the word size (8B) and a "
            "page (4KiB), got 8KiB");
  EXPECT_EQ(msg("kernel:\n  slab_limit: 4095\n"),
            "t.yaml:2:15: kernel.slab_limit: must be between 0 and 4094, got 4095");
  EXPECT_EQ(msg("kernel:\n  slab_colour_max: 0\n"),
            "t.yaml:2:20: kernel.slab_colour_max: must be between 1 and 1048576, got 0");
  EXPECT_EQ(msg("kernel:\n  flavour: linux-2.6\n  slub_cpu_partial: 30\n"),
            "t.yaml:3:21: kernel.slub_cpu_partial: does not exist in linux-2.6 (a linux-6 "
            "tunable)");
}

constexpr const char* kCacheYaml = R"(workload:
  generator:
    name: w
    caches:
      - {name: c, size: 64, %s}
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - kmem_cache_alloc: {cache: c, lifetime: 1us}
)";

std::string cache_error(const std::string& keys, const std::string& kernel = "") {
  char buf[1024];
  std::snprintf(buf, sizeof buf, kCacheYaml, keys.c_str());
  return load_error(kernel + buf).what();
}

TEST(SlabTunableKeys, PerCacheKeysAreChecked) {
  EXPECT_EQ(cache_error("batchcount: 5"),
            "t.yaml:5:41: workload.generator.caches[0].batchcount: needs limit in the same cache");
  EXPECT_EQ(cache_error("limit: 10, batchcount: 11"),
            "t.yaml:5:52: workload.generator.caches[0].batchcount: batchcount must not exceed "
            "limit (slabinfo_write)");
  EXPECT_EQ(cache_error("limit: 0, shared: 2"),
            "t.yaml:5:47: workload.generator.caches[0].shared: shared must be 0 with limit 0 (no "
            "per-CPU array)");
  EXPECT_EQ(cache_error("limit: 5000"),
            "t.yaml:5:36: workload.generator.caches[0].limit: limit above 4094: the per-CPU "
            "array could not be allocated (ENOMEM)");
  EXPECT_EQ(cache_error("colouring: always"),
            "t.yaml:5:40: workload.generator.caches[0].colouring: unknown value 'always' "
            "(expected on, off or forced)");
  EXPECT_EQ(cache_error("cpu_partial: 3", "kernel: {flavour: linux-2.6}\n"),
            "t.yaml:6:42: workload.generator.caches[0].cpu_partial: does not exist in linux-2.6 "
            "(per-CPU partial lists came with 3.2)");
  const Config ok = load_config_text(std::string("kernel: {slab: slab}\n") + [] {
    char buf[1024];
    std::snprintf(buf, sizeof buf, kCacheYaml,
                  "limit: 0, colouring: forced, slab_max_order: 2, cpu_partial: 3");
    return std::string(buf);
  }());
  const auto& spec = ok.generator.caches.at(0);
  EXPECT_EQ(*spec.tunables.limit, 0u);
  EXPECT_EQ(*spec.tunables.cpu_partial, 3u);
  EXPECT_EQ(*spec.args.colouring, model::SlabColouring::forced);
  EXPECT_EQ(*spec.args.slab_max_order, 2u);
}

}  // namespace
}  // namespace allocsim::io
