#pragma once
// SIGINT, SIGTERM and SIGHUP while recording. The handler only notes the
// signal, in a flag and a pipe the recorder polls; the recorder then stops
// the command, removes its tracefs instance and temporary directory, and
// re-raises the signal. A signal the process ignores (SIGINT of `cmd &`)
// stays ignored.
namespace allocsim::io::recording {

struct CaughtSignal {
  int signo = 0;              // 0: none
  bool from_process = false;  // sent with kill() rather than by the terminal (SI_USER, ...)
};

class SignalWatch {
 public:
  SignalWatch();   // installs the handlers
  ~SignalWatch();  // restores the previous dispositions
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  int fd() const;  // readable when a signal has arrived
  // The next signal noted since the last call (signo 0 if none).
  CaughtSignal take();
  // Whether any signal has arrived since construction.
  bool any() const;
  int first() const;  // the first signal, 0 if none
};

// Default disposition, then raise: the process ends by the signal, as the
// shell expects of an interrupted command.
[[noreturn]] void reraise(int signo);

}  // namespace allocsim::io::recording
