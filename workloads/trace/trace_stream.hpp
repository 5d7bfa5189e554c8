#pragma once
// A trace file read as a stream: a buffer of the file at a time, each line
// through the format's LineParser (the same one parse_trace uses), so memory
// stays the same whatever the file's length. Only the string pool grows, by
// each distinct string (comm, call site, gfp text, cache name) once.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "workloads/trace/event_source.hpp"
#include "workloads/trace/line_parser.hpp"

namespace allocsim::workloads::trace {

class TraceStream final : public EventSource {
 public:
  // Opens `path` (TraceError when it cannot) and detects its format from its
  // first 16 KiB unless `format` is given.
  TraceStream(const std::filesystem::path& path, std::optional<Format> format,
              const ReadOptions& opt = {});
  ~TraceStream() override;
  TraceStream(const TraceStream&) = delete;
  TraceStream& operator=(const TraceStream&) = delete;

  bool next(TraceEvent& ev) override;
  const Trace& trace() const override { return trace_; }
  double fraction() const override;

  std::uint64_t bytes_read() const { return consumed_; }
  std::uint64_t file_size() const { return size_; }

 private:
  bool fill();  // reads more of the file behind what is left in the buffer; false at its end
  bool next_line(std::string_view& line);

  Trace trace_;
  std::unique_ptr<LineParser> parser_;
  int fd_ = -1;
  std::uint64_t size_ = 0, consumed_ = 0;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes of buf_
  bool eof_ = false;
  std::uint32_t line_ = 0;
  std::vector<TraceEvent> pending_;  // events of the last line, handed out in order
  std::size_t next_pending_ = 0;
};

}  // namespace allocsim::workloads::trace
