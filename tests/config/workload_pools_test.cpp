// The workload reader's pool record (io/config/workload_pools.hpp): pools are
// found by thread and index, and a pool never added is a reader bug that
// throws std::logic_error naming the thread and the pool, never a default.
#include "io/config/workload_pools.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace allocsim::io {
namespace {

WorkloadPools::Entry entry(int thread, int pool, std::string thread_name, std::string name) {
  WorkloadPools::Entry e;
  e.thread = thread;
  e.pool = pool;
  e.thread_name = std::move(thread_name);
  e.name = std::move(name);
  return e;
}

std::string logic_error_of(WorkloadPools& pools, int thread, int pool) {
  try {
    pools.at(thread, pool);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::logic_error for thread " << thread << ", pool " << pool;
  return "";
}

TEST(WorkloadPools, FindsEachPoolByThreadAndIndex) {
  WorkloadPools pools;
  pools.add(entry(0, 0, "producer", "objs"));
  pools.add(entry(1, 0, "consumer", "objs"));
  pools.add(entry(0, 1, "producer", "pages"));
  EXPECT_EQ(pools.at(0, 0).name, "objs");
  EXPECT_EQ(pools.at(0, 1).name, "pages");
  EXPECT_EQ(pools.at(1, 0).thread_name, "consumer");
  pools.at(1, 0).kind_known = true;  // a reference into the record
  EXPECT_TRUE(pools.entries()[1].kind_known);
  EXPECT_FALSE(pools.entries()[0].kind_known);
}

TEST(WorkloadPools, AnUnknownPoolThrowsNamingThreadAndPool) {
  WorkloadPools pools;
  pools.add(entry(0, 0, "producer", "objs"));
  EXPECT_EQ(logic_error_of(pools, 0, 1),
            "workload reader: thread 0 ('producer') has no pool 1 on record");
  EXPECT_EQ(logic_error_of(pools, 3, 0), "workload reader: thread 3 has no pool 0 on record");
  WorkloadPools empty;
  EXPECT_EQ(logic_error_of(empty, 0, 0), "workload reader: thread 0 has no pool 0 on record");
}

}  // namespace
}  // namespace allocsim::io
