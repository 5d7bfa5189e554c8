#include "workloads/trace/trace_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

constexpr std::size_t kBuffer = std::size_t{1} << 20;
constexpr std::size_t kDetectBytes = 16384;

}  // namespace

TraceStream::TraceStream(const std::filesystem::path& path, std::optional<Format> format,
                         const ReadOptions& opt)
    : buf_(kBuffer) {
  trace_.file = path.string();
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw TraceError(trace_.file + ": cannot open (" + std::strerror(errno) + ")");
  std::error_code ec;
  size_ = std::filesystem::file_size(path, ec);
  if (ec) size_ = 0;
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  while (end_ < kDetectBytes && fill()) {
  }
  trace_.format =
      format ? *format : detect_format(std::string_view(buf_.data(), std::min(end_, kDetectBytes)));
  parser_ = make_line_parser(trace_, opt);
  pending_.reserve(4);
}

TraceStream::~TraceStream() {
  if (fd_ >= 0) ::close(fd_);
}

bool TraceStream::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep the unread tail, at the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a line longer than the buffer
  for (;;) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (errno != EINTR)
      throw TraceError(trace_.file + ": read failed (" + std::strerror(errno) + ")");
  }
}

bool TraceStream::next_line(std::string_view& line) {
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl || (eof_ && begin_ < end_)) {
      const std::size_t len =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : end_ - begin_;
      line = std::string_view(start, len);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      begin_ += nl ? len + 1 : len;
      consumed_ += nl ? len + 1 : len;
      return true;
    }
    if (!fill() && begin_ == end_) return false;
  }
}

bool TraceStream::next(TraceEvent& ev) {
  while (next_pending_ == pending_.size()) {
    pending_.clear();
    next_pending_ = 0;
    std::string_view line;
    if (!next_line(line)) return false;
    parser_->parse(line, ++line_, pending_);
  }
  ev = pending_[next_pending_++];
  return true;
}

double TraceStream::fraction() const {
  return size_ ? static_cast<double>(consumed_) / static_cast<double>(size_) : 1.0;
}

}  // namespace allocsim::workloads::trace
