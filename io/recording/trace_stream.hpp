#pragma once
// Streams an instance's trace_pipe into trace.txt while tracing: a reader
// thread at SCHED_IDLE priority, so that it reads only when a CPU would
// otherwise idle and does not compete with the recorded work (the ring buffer
// holds the events meanwhile), raised to normal priority by set_urgent()
// while the buffer fills up, then a drain at normal priority once tracing
// has stopped. trace_pipe consumes what it prints, merging the per-CPU
// buffers in timestamp order (kernel/trace/trace.c: tracing_read_pipe).
#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "io/recording/trace_counts.hpp"

namespace allocsim::io::recording {

class TraceStream {
 public:
  // Opens `pipe_path` (non-blocking) and creates `out_path`; throws.
  TraceStream(const std::string& pipe_path, const std::string& out_path);
  ~TraceStream();
  TraceStream(const TraceStream&) = delete;
  TraceStream& operator=(const TraceStream&) = delete;

  // Starts the reader thread (with every signal blocked in it).
  void start();
  // The reader thread at normal priority (true) or SCHED_IDLE (false).
  void set_urgent(bool urgent);
  // How long the reader thread has been at normal priority.
  std::uint64_t urgent_ns() const;
  // Stops the reader thread, if running; rethrows what failed in it.
  void stop();
  // Reads until trace_pipe is empty, on the calling thread.
  void drain();
  // Closes trace_pipe (an instance cannot be removed while it is open).
  void close_pipe();
  // Writes the last partial line and closes trace.txt; throws on a write error.
  void finish();

  const TraceCounts& counts() const { return counts_; }
  std::uint64_t bytes() const { return bytes_; }
  // The reader thread's id (its events are in the trace too), 0 before it ran.
  long reader_tid() const { return reader_tid_.load(); }

 private:
  void run();
  bool read_once();  // false when the pipe was empty
  void take(const char* data, std::size_t size);
  void flush();

  int pipe_fd_ = -1, out_fd_ = -1, wake_fd_ = -1;
  std::string out_path_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<long> reader_tid_{0};
  bool urgent_ = false;
  std::uint64_t urgent_since_ns_ = 0, urgent_ns_ = 0;
  std::exception_ptr error_;
  std::vector<char> buffer_;
  std::string pending_;  // written to trace.txt by flush()
  std::string carry_;    // the start of a line whose end has not been read yet
  TraceCounts counts_;
  std::uint64_t bytes_ = 0;
};

}  // namespace allocsim::io::recording
