#include "io/recording/child.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/recording/error.hpp"

extern char** environ;

namespace allocsim::io::recording {

std::string ExitStatus::text() const {
  if (code) return "exit status " + std::to_string(*code);
  if (signal) return "signal " + std::to_string(*signal) + " (" + strsignal(*signal) + ")";
  return "unknown status";
}

Child::Child(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  const int err = posix_spawnp(&pid_, args[0], nullptr, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    pid_ = -1;
    throw InputError("cannot run '" + argv[0] + "': " + std::strerror(err));
  }
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));  // -1 before Linux 5.3
}

Child::~Child() {
  if (pid_ > 0 && !status_) {
    signal(SIGTERM);
    wait_or_kill(2000);
  }
  if (pidfd_ >= 0) ::close(pidfd_);
}

std::optional<ExitStatus> Child::try_wait() {
  if (status_) return status_;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r != pid_) return std::nullopt;
  ExitStatus s;
  if (WIFEXITED(st)) s.code = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) s.signal = WTERMSIG(st);
  status_ = s;
  return status_;
}

void Child::signal(int signo) const {
  if (pid_ > 0 && !status_) ::kill(pid_, signo);
}

ExitStatus Child::wait_or_kill(int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (std::optional<ExitStatus> s = try_wait()) return *s;
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      ::poll(&p, 1, 10);
    } else {
      ::usleep(10000);
    }
  }
  if (std::optional<ExitStatus> s = try_wait()) return *s;
  ::kill(pid_, SIGKILL);
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  ExitStatus s;
  if (WIFEXITED(st)) s.code = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) s.signal = WTERMSIG(st);
  status_ = s;
  return s;
}

}  // namespace allocsim::io::recording
