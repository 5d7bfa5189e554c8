// Parsing allocates nothing per line in steady state: twice the lines (the
// same block of lines repeated, so no new strings) cost no more host
// allocations than once.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "workloads/trace/readers.hpp"
#include "workloads/trace/synthetic.hpp"

#include "../common/alloc_counter.hpp"  // replaces operator new: this file only

namespace allocsim::workloads::trace {
namespace {

std::uint64_t allocations_to_parse(const std::string& text, Format f) {
  allocations = 0;
  counting = true;
  {
    const Trace t = parse_trace(text, f, "mem");
    EXPECT_EQ(t.stats.bad_lines, 0u);
  }
  counting = false;
  return allocations.load();
}

TEST(TraceNoAlloc, KernelTextAllocationsDoNotGrowWithLines) {
  const std::string block = synthetic_6x_ftrace(1200);  // every string seen within the block
  const std::string once = block;
  const std::string twice = block + block;
  const std::uint64_t a = allocations_to_parse(once, Format::ftrace);
  const std::uint64_t b = allocations_to_parse(twice, Format::ftrace);
  EXPECT_LT(a, 200u);
  EXPECT_EQ(a, b);
}

TEST(TraceNoAlloc, WeeAllocAllocationsDoNotGrowWithLines) {
  std::string wee;
  for (int i = 0; i < 500; ++i) wee += "Alloc(24),\nFree(" + std::to_string(i) + "),\n";
  // The event vector is reserved from the text size, so equal sizes compare.
  std::string wee2 = wee;
  for (int i = 0; i < 500; ++i) wee2 += "Alloc(24),\nFree(" + std::to_string(500 + i) + "),\n";
  EXPECT_LE(allocations_to_parse(wee2, Format::wee_alloc),
            allocations_to_parse(wee, Format::wee_alloc) + 2);  // one vector regrowth at most
}

}  // namespace
}  // namespace allocsim::workloads::trace
