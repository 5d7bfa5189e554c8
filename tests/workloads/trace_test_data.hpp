#pragma once
// Where the trace tests find their inputs (tests/data/traces, checked in).
#include <filesystem>

namespace allocsim::workloads::trace::testing {

inline std::filesystem::path data(const char* name) {
  return std::filesystem::path(ALLOCSIM_SOURCE_DIR) / "tests" / "data" / "traces" / name;
}

}  // namespace allocsim::workloads::trace::testing
