#pragma once
// The workload reader's record of every pool (docs/workloads.md, "Pools and
// object kinds"): a pool is made by its first mention, and its object kind
// may only be known once every thread is read (it can arrive through passes),
// so the reader keeps, per pool, where it was first mentioned and whether its
// kind is settled. The kind itself is the spec's (gen::Pool::kind).
#include <string>
#include <vector>

#include "io/config/error.hpp"

namespace allocsim::io {

class WorkloadPools {
 public:
  struct Entry {
    int thread = 0;  // index in the spec's threads
    int pool = 0;    // index in that thread's pools
    std::string thread_name, name;
    Origin origin;     // the first mention: a pool never filled is reported here
    std::string path;  // its dotted key
    bool kind_known = false;
  };

  void add(Entry e) { entries_.push_back(std::move(e)); }
  // The pool of `thread` at index `pool`. A pool the reader never added is a
  // bug in the reader, not in the workload: std::logic_error naming both.
  Entry& at(int thread, int pool);
  // In the order of their first mention.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace allocsim::io
