#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace allocsim::sim {
namespace {

struct Recorder : EventHandler {
  std::vector<std::uint64_t> seen;
  void on_event(Cycles, std::uint64_t arg) override { seen.push_back(arg); }
};

TEST(EventQueue, OrdersByTimeThenCpuThenInsertion) {
  EventQueue q;
  Recorder r;
  q.push(5, 2, &r, 1);
  q.push(5, 1, &r, 2);
  q.push(3, 9, &r, 3);
  q.push(5, 1, &r, 4);       // same time and CPU as arg 2: after it
  q.push(5, kNoCpu, &r, 5);  // machine-wide events come after CPUs at equal time
  q.push(4, kNoCpu, &r, 6);
  while (!q.empty()) {
    const Event e = q.pop();
    e.handler->on_event(e.time, e.arg);
  }
  EXPECT_EQ(r.seen, (std::vector<std::uint64_t>{3, 6, 2, 4, 1, 5}));
}

TEST(EventQueue, ManyEqualTimesKeepInsertionOrderPerCpu) {
  EventQueue q(4);
  Recorder r;
  for (std::uint64_t i = 0; i < 1000; ++i) q.push(7, static_cast<CpuId>(i % 3), &r, i);
  std::vector<std::uint64_t> expected;
  for (CpuId c = 0; c < 3; ++c)
    for (std::uint64_t i = c; i < 1000; i += 3) expected.push_back(i);
  while (!q.empty()) r.seen.push_back(q.pop().arg);
  EXPECT_EQ(r.seen, expected);
}

}  // namespace
}  // namespace allocsim::sim
