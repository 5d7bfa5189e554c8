#pragma once
// Scenario tests: the exact cache lines a kernel call touches, recorded
// through the CPU's AccessRecorder and compared with a list derived by hand
// from the kernel's code path and the model's layout.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "sim/access_recorder.hpp"
#include "sim/cpu.hpp"

#include "../common/line_access_print.hpp"

namespace allocsim::model::testing {

inline constexpr std::uint32_t kLine = 64;  // the test machines' line size

// One expected access that stays inside one line.
inline sim::LineAccess touch(sim::PhysAddr addr, sim::AccessKind kind, std::uint32_t bytes) {
  EXPECT_LE(sim::line_offset(addr, kLine - 1) + bytes, kLine)
      << "an expected access must not span lines";
  return {sim::line_start(addr, kLine - 1), kind, bytes};
}

// What `call` makes `cpu` touch, in order.
template <class Call>
std::vector<sim::LineAccess> record(sim::Cpu& cpu, Call&& call) {
  sim::AccessRecorder rec(kLine);
  cpu.set_recorder(&rec);
  std::forward<Call>(call)();
  cpu.set_recorder(nullptr);
  return rec.accesses();
}

inline constexpr sim::AccessKind R = sim::AccessKind::read, W = sim::AccessKind::write,
                                 X = sim::AccessKind::rmw;

}  // namespace allocsim::model::testing
