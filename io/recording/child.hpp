#pragma once
// The recorded COMMAND: spawned with allocsim's standard streams (its
// output passes through), waited for, and never left running: a Child that
// is destroyed before its command ended terminates it (SIGTERM, then SIGKILL).
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace allocsim::io::recording {

struct ExitStatus {
  std::optional<int> code;    // exited
  std::optional<int> signal;  // killed by a signal
  bool ok() const { return code && *code == 0; }
  std::string text() const;  // "exit status 3", "signal 9 (Killed)"
};

class Child {
 public:
  // Runs argv[0] (searched in PATH) with argv; throws InputError when it
  // cannot be started.
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // A pidfd that polls readable when the command ends, or -1 (then poll with
  // a timeout and call try_wait()).
  int pidfd() const { return pidfd_; }
  // The exit status once the command has ended (reaping it).
  std::optional<ExitStatus> try_wait();
  void signal(int signo) const;
  // Waits up to `timeout_ms` for the command to end, then SIGKILLs it.
  ExitStatus wait_or_kill(int timeout_ms);

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<ExitStatus> status_;
};

}  // namespace allocsim::io::recording
