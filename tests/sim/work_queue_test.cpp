#include "sim/work_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/machine.hpp"
#include "test_machines.hpp"

namespace allocsim::sim {
namespace {

// Logs "<name>@<clock>" on the CPU it runs on and spends `cost` cycles there.
struct LogWork final : Work {
  LogWork(std::string n, std::vector<std::string>& l, Cycles c = 0)
      : name(std::move(n)), log(l), cost(c) {}
  void run(Cpu& cpu) override {
    log.push_back(name + "@" + std::to_string(cpu.now()) + " cpu" + std::to_string(cpu.id()));
    cpu.spend(cost);
  }
  std::string name;
  std::vector<std::string>& log;
  Cycles cost;
};

TEST(WorkQueue, ItemsLeaveByDueTimeThenQueueingOrderAcrossBothKinds) {
  std::vector<std::string> log;
  LogWork a("a", log), b("b", log), c("c", log), d("d", log);
  WorkQueue q;
  EXPECT_TRUE(q.queue(a, 30, false));
  EXPECT_TRUE(q.queue(b, 10, true));
  EXPECT_TRUE(q.queue(c, 30, true));
  EXPECT_TRUE(q.queue(d, 20, false));
  EXPECT_FALSE(q.queue(a, 5, false));  // already pending: queue_delayed_work's false
  EXPECT_EQ(a.due(), 30u);
  EXPECT_EQ(q.next_due(), 10u);
  EXPECT_EQ(q.next_wakeup(), 20u);  // b is deferrable: it wakes nobody
  EXPECT_EQ(q.pop_due(9), nullptr);
  std::vector<Work*> order;
  while (Work* w = q.pop_due(30)) order.push_back(w);
  EXPECT_EQ(order, (std::vector<Work*>{&b, &d, &a, &c}));  // a was queued before c
  EXPECT_FALSE(a.pending());
  EXPECT_EQ(q.next_due(), kNever);
  EXPECT_EQ(q.next_wakeup(), kNever);
}

TEST(WorkQueue, DueWorkRunsAtTheCpusNextOpBoundaryChargedToIt) {
  Machine m(testing::one_node_config(2), 1);
  std::vector<std::string> log;
  LogWork w("reap", log, 40);
  m.spawn(0, [&](Cpu& cpu) {
    cpu.queue_work(w, 100, true);
    cpu.spend(70);
    cpu.run_due_work();  // not yet due
    log.push_back("op@" + std::to_string(cpu.now()));
    cpu.spend(60);  // a long operation runs past the due time
    cpu.run_due_work();
    log.push_back("op@" + std::to_string(cpu.now()));
  });
  m.run();
  EXPECT_EQ(log, (std::vector<std::string>{"op@70", "reap@130 cpu0", "op@170"}));
  EXPECT_EQ(m.cpu(1).work().size(), 0u);
}

TEST(WorkQueue, WorkQueuedFromWorkWaitsForTheNextBoundary) {
  Machine m(testing::one_node_config(1), 1);
  std::vector<std::string> log;
  struct Requeue final : Work {
    explicit Requeue(std::vector<std::string>& l) : log(l) {}
    void run(Cpu& cpu) override {
      log.push_back("tick@" + std::to_string(cpu.now()));
      cpu.spend(5);
      cpu.run_due_work();  // inside work: no nesting
      if (log.size() < 3) cpu.queue_work(*this, cpu.now(), true);
    }
    std::vector<std::string>& log;
  } tick(log);
  m.spawn(0, [&](Cpu& cpu) {
    cpu.queue_work(tick, 0, true);
    cpu.run_due_work();
  });
  m.run();
  // Requeued at once and due at once: the same boundary runs it again.
  EXPECT_EQ(log, (std::vector<std::string>{"tick@0", "tick@5", "tick@10"}));
}

TEST(WorkQueue, OnlyWorkThatIsNotDeferrableKicksTheIdleCpu) {
  struct Kicks final : IdleKick {
    std::vector<std::pair<CpuId, Cycles>> seen;
    void kick(CpuId cpu, Cycles at) override { seen.emplace_back(cpu, at); }
  } kicks;
  Machine m(testing::one_node_config(2), 1);
  m.set_idle_kick(&kicks);
  std::vector<std::string> log;
  LogWork deferrable("d", log), wakes("w", log);
  EXPECT_TRUE(m.cpu(1).queue_work(deferrable, 50, true));
  EXPECT_TRUE(m.cpu(1).queue_work(wakes, 70, false));
  EXPECT_FALSE(m.cpu(1).queue_work(wakes, 90, false));  // pending: no second kick
  EXPECT_EQ(kicks.seen, (std::vector<std::pair<CpuId, Cycles>>{{1, 70}}));
  EXPECT_EQ(m.cpu(1).next_work_wakeup(), 70u);
  m.set_idle_kick(nullptr);
  LogWork other("o", log);
  m.cpu(0).queue_work(other, 10, false);
  EXPECT_EQ(kicks.seen.size(), 1u);
}

TEST(WorkQueue, AnItemDestroyedWhilePendingLeavesItsQueue) {
  std::vector<std::string> log;
  WorkQueue q;
  LogWork keep("keep", log);
  {
    LogWork gone("gone", log);
    q.queue(gone, 10, false);
    q.queue(keep, 20, true);
    EXPECT_EQ(q.next_wakeup(), 10u);
  }
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.next_due(), 20u);
  EXPECT_EQ(q.next_wakeup(), kNever);
  q.cancel(keep);
  EXPECT_FALSE(keep.pending());
  EXPECT_EQ(q.pop_due(100), nullptr);
  EXPECT_TRUE(q.queue(keep, 30, false));  // queueable again
}

}  // namespace
}  // namespace allocsim::sim
