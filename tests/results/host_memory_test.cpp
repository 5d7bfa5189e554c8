// The host-memory estimate made before a machine is built (issue 18): exact
// sizes of the structures the config sizes, the bounds that keep large
// machines affordable, and the refusal when the estimate exceeds the limit.
#include "io/run/host_memory.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "io/run/execute.hpp"

namespace allocsim::io {
namespace {

std::uint64_t part(const HostMemoryEstimate& e, const std::string& name) {
  for (const auto& p : e.parts)
    if (p.name == name) return p.bytes;
  ADD_FAILURE() << "no part " << name;
  return 0;
}

Config machine(std::uint32_t cpus, std::uint32_t nodes, std::vector<std::string> more = {}) {
  more.push_back("machine.cpus=" + std::to_string(cpus));
  more.push_back("machine.nodes=" + std::to_string(nodes));
  return load_config_text("{}", "<test>", more);
}

TEST(HostMemory, DefaultMachinePartsAreExact) {
  const HostMemoryEstimate e = estimate_host_memory(machine(8, 2).machine);
  // 8 x 16384 L2 lines, + 1, at most 3/4 full: 174764 slots of 32 bytes.
  EXPECT_EQ(part(e, "coherence directory"), 174764u * 32);
  // Per CPU 512 L1D + 16384 L2 lines of 17 bytes (tag, state, LRU stamp).
  EXPECT_EQ(part(e, "private caches (L1D, L2)"), 8u * (512 + 16384) * 17);
  EXPECT_EQ(part(e, "LLCs"), 2u * 262144 * 17);             // one 16 MiB LLC per node
  EXPECT_EQ(part(e, "mem_map"), (8ull << 30) / 4096 * 20);  // 16-byte page + 4-byte owner
  // Ten timeseries tables (slab_sheaves has rows only under linux-6.18) spooled
  // to a file, each holding at most a 1 MiB block of rows.
  EXPECT_EQ(part(e, "timeseries buffers"), 10u << 20);
  EXPECT_EQ(part(estimate_host_memory(machine(4096, 8).machine), "timeseries buffers"), 10u << 20);
}

TEST(HostMemory, TimingOffNeedsNoCaches) {
  const Config c = machine(64, 8, {"machine.timing=false"});
  const HostMemoryEstimate e = estimate_host_memory(c.machine);
  EXPECT_EQ(part(e, "coherence directory"), 0u);
  EXPECT_EQ(part(e, "private caches (L1D, L2)"), 0u);
  EXPECT_EQ(part(e, "LLCs"), 0u);
}

// Catches a return of O(CPUs^2) host memory (a sharer bitmap per directory
// entry cost 10 MB per CPU at 1024 CPUs, and 4096 CPUs ran out of memory).
// The timeseries, spooled, add the same whatever the machine (the measured
// RSS with thousands of samples: tests/python/test_host_memory.py).
TEST(HostMemory, LargeMachinesStayWithinTheirBudget) {
  const HostMemoryEstimate e1024 = estimate_host_memory(machine(1024, 8).machine);
  const HostMemoryEstimate e4096 = estimate_host_memory(machine(4096, 8).machine);
  EXPECT_LT(e1024.total(), 2ull << 30);
  EXPECT_LT(e4096.total(), 8ull << 30);
  const std::uint64_t mem_map = part(e4096, "mem_map");
  const std::uint64_t per_cpu_1024 = (e1024.total() - mem_map) / 1024;
  const std::uint64_t per_cpu_4096 = (e4096.total() - mem_map) / 4096;
  EXPECT_LT(per_cpu_1024, 3ull << 19);  // 1.5 MiB
  EXPECT_LE(per_cpu_4096, per_cpu_1024);
}

TEST(HostMemory, LimitBelowTheEstimateIsRefusedNamingTheLargestPart) {
  try {
    check_runnable(machine(1024, 8, {"run.max_host_memory=1GiB"}));
    FAIL() << "1024 CPUs were accepted within 1 GiB";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--set run.max_host_memory: this machine (1024 CPUs, 8 nodes) needs an "
                        "estimated 1.34 GiB of host memory, the largest part coherence directory "
                        "(683 MiB), but the limit is 1.00 GiB"),
              std::string::npos)
        << what;
  }
  // The timeseries are spooled: their rows are never the largest part.
  try {
    check_runnable(machine(4096, 8, {"run.max_host_memory=4GiB"}));
    FAIL() << "4096 CPUs were accepted within 4 GiB";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("needs an estimated 4.75 GiB of host memory, the largest "
                                         "part coherence directory (2.67 GiB)"),
              std::string::npos)
        << e.what();
  }
  // 200 nodes of 4 GiB: 200 x 2^20 page frames of 20 host bytes.
  try {
    check_runnable(machine(200, 200, {"run.sample_interval=none", "run.max_host_memory=2GiB"}));
    FAIL() << "200 nodes of 4 GiB were accepted within 2 GiB";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("largest part mem_map (3.91 GiB)"), std::string::npos)
        << e.what();
  }
}

TEST(HostMemory, LimitKeyTakesAutoNoneOrASize) {
  EXPECT_FALSE(machine(8, 2).run.max_host_memory);  // auto
  // MemAvailable moves between two reads on a busy host: the same within 10 %
  // (a limit in KiB instead of bytes, or MemTotal, would be far off).
  const std::optional<std::uint64_t> limit = host_memory_limit(machine(8, 2).run);
  const std::optional<std::uint64_t> available = host_mem_available();
  ASSERT_TRUE(limit && available);
  EXPECT_NEAR(static_cast<double>(*limit), static_cast<double>(*available),
              0.1 * static_cast<double>(*available));
  EXPECT_FALSE(host_memory_limit(machine(8, 2, {"run.max_host_memory=none"}).run));
  EXPECT_EQ(host_memory_limit(machine(8, 2, {"run.max_host_memory=3GiB"}).run), 3ull << 30);
  EXPECT_THROW(machine(8, 2, {"run.max_host_memory=1KiB"}), ConfigError);  // below 1 MiB
  EXPECT_THROW(machine(8, 2, {"run.max_host_memory=lots"}), ConfigError);
  ASSERT_TRUE(host_mem_available());  // Linux: /proc/meminfo has MemAvailable
  EXPECT_GT(*host_mem_available(), 0u);
}

}  // namespace
}  // namespace allocsim::io
