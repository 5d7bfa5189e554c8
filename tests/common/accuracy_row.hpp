#pragma once
// The accuracy report's row for (metric, key), for tests of the replay's
// comparison with a recording; a missing row fails the test with its name.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/replay/accuracy.hpp"

namespace allocsim::workloads::testing {

inline const AccuracyRow& row(const std::vector<AccuracyRow>& rows, const std::string& metric,
                              const std::string& key) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const AccuracyRow& r) {
    return r.metric == metric && r.key == key;
  });
  if (it == rows.end()) throw std::runtime_error("no row " + metric + " " + key);
  return *it;
}

}  // namespace allocsim::workloads::testing
