#pragma once
// Where a replay takes its events from, one at a time in trace order: a file
// read as a stream (TraceStream) or the events of a parsed Trace in memory
// (TraceEvents). The source's Trace holds the string pool the events' ids
// refer to and the reader's statistics so far.
#include <cstddef>
#include <cstdint>

#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

class EventSource {
 public:
  virtual ~EventSource() = default;
  // The next event, or false once there is none.
  virtual bool next(TraceEvent& ev) = 0;
  // Strings, statistics, file name and format (its events vector may be empty).
  virtual const Trace& trace() const = 0;
  // How far the source is, 0 to 1 (progress reports).
  virtual double fraction() const = 0;
};

// The events of a Trace already in memory.
class TraceEvents final : public EventSource {
 public:
  explicit TraceEvents(const Trace& t) : t_(t) {}
  bool next(TraceEvent& ev) override {
    if (i_ == t_.events.size()) return false;
    ev = t_.events[i_++];
    return true;
  }
  const Trace& trace() const override { return t_; }
  double fraction() const override {
    return t_.events.empty() ? 1.0
                             : static_cast<double>(i_) / static_cast<double>(t_.events.size());
  }

 private:
  const Trace& t_;
  std::size_t i_ = 0;
};

}  // namespace allocsim::workloads::trace
