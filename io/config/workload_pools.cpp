#include "io/config/workload_pools.hpp"

#include <stdexcept>

namespace allocsim::io {

WorkloadPools::Entry& WorkloadPools::at(int thread, int pool) {
  std::string thread_name;
  for (Entry& e : entries_) {
    if (e.thread != thread) continue;
    if (e.pool == pool) return e;
    thread_name = e.thread_name;
  }
  throw std::logic_error("workload reader: thread " + std::to_string(thread) +
                         (thread_name.empty() ? "" : " ('" + thread_name + "')") + " has no pool " +
                         std::to_string(pool) + " on record");
}

}  // namespace allocsim::io
