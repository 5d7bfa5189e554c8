#include "io/recording/trace_stream.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "io/recording/clock.hpp"

namespace allocsim::io::recording {
namespace {

constexpr std::size_t kReadSize = 1 << 16;
constexpr std::size_t kFlushSize = 1 << 20;
constexpr int kPollMs = 200;  // a reader woken by nothing else still reads this often

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

TraceStream::TraceStream(const std::string& pipe_path, const std::string& out_path)
    : out_path_(out_path), buffer_(kReadSize) {
  pipe_fd_ = ::open(pipe_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (pipe_fd_ < 0) fail("cannot open " + pipe_path);
  out_fd_ = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd_ < 0) fail("cannot create " + out_path);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) fail("eventfd");
}

TraceStream::~TraceStream() {
  try {
    stop();
  } catch (const std::exception&) {
    // Already failing: the recording is discarded.
  }
  close_pipe();
  if (out_fd_ >= 0) ::close(out_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void TraceStream::start() {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void TraceStream::run() {
  reader_tid_.store(static_cast<long>(::gettid()));
  try {
    sched_param param{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
    pollfd fds[2] = {{pipe_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    while (!stopping_.load()) {
      while (!stopping_.load() && read_once()) {
      }
      if (stopping_.load()) break;
      if (::poll(fds, 2, kPollMs) < 0 && errno != EINTR) fail("poll on trace_pipe");
    }
  } catch (...) {
    error_ = std::current_exception();
  }
}

void TraceStream::set_urgent(bool urgent) {
  if (urgent == urgent_ || !thread_.joinable()) return;
  sched_param param{};
  if (pthread_setschedparam(thread_.native_handle(), urgent ? SCHED_OTHER : SCHED_IDLE, &param) !=
      0)
    return;
  urgent_ = urgent;
  const std::uint64_t now = monotonic_ns();
  if (urgent) {
    urgent_since_ns_ = now;
  } else {
    urgent_ns_ += now - urgent_since_ns_;
  }
}

std::uint64_t TraceStream::urgent_ns() const {
  return urgent_ns_ + (urgent_ ? monotonic_ns() - urgent_since_ns_ : 0);
}

void TraceStream::stop() {
  if (thread_.joinable()) {
    if (urgent_) urgent_ns_ += monotonic_ns() - urgent_since_ns_;
    urgent_ = false;
    sched_param param{};  // at normal priority, so that it ends at once on a busy machine
    pthread_setschedparam(thread_.native_handle(), SCHED_OTHER, &param);
    stopping_.store(true);
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void TraceStream::drain() {
  while (read_once()) {
  }
}

bool TraceStream::read_once() {
  const ssize_t n = ::read(pipe_fd_, buffer_.data(), buffer_.size());
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return false;
    fail("cannot read the instance's trace_pipe");
  }
  if (n == 0) return false;
  take(buffer_.data(), static_cast<std::size_t>(n));
  return true;
}

void TraceStream::take(const char* data, std::size_t size) {
  bytes_ += size;
  pending_.append(data, size);
  // Count the complete lines that arrived; a partial one waits in carry_.
  std::size_t pos = 0;
  while (pos < size) {
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    if (!nl) {
      carry_.append(data + pos, size - pos);
      break;
    }
    const std::size_t end = static_cast<const char*>(nl) - data;
    if (carry_.empty()) {
      counts_.add_line(std::string_view(data + pos, end - pos));
    } else {
      carry_.append(data + pos, end - pos);
      counts_.add_line(carry_);
      carry_.clear();
    }
    pos = end + 1;
  }
  if (pending_.size() >= kFlushSize) flush();
}

void TraceStream::flush() {
  std::size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t n = ::write(out_fd_, pending_.data() + done, pending_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write " + out_path_);
    }
    done += static_cast<std::size_t>(n);
  }
  pending_.clear();
}

void TraceStream::close_pipe() {
  if (pipe_fd_ >= 0) ::close(pipe_fd_);
  pipe_fd_ = -1;
}

void TraceStream::finish() {
  if (!carry_.empty()) {  // trace_pipe ends every line; count a cut one anyway
    counts_.add_line(carry_);
    carry_.clear();
  }
  flush();
  if (::close(out_fd_) != 0) {
    out_fd_ = -1;
    fail("cannot write " + out_path_);
  }
  out_fd_ = -1;
}

}  // namespace allocsim::io::recording
