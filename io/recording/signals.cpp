#include "io/recording/signals.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace allocsim::io::recording {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
int g_pipe[2] = {-1, -1};
volatile sig_atomic_t g_first = 0;
struct sigaction g_old[3];

void on_signal(int signo, siginfo_t* info, void*) {
  const int saved = errno;
  if (g_first == 0) g_first = signo;
  // si_code <= 0: sent by a process (SI_USER, SI_QUEUE, SI_TKILL); > 0: by the kernel (a tty).
  const char note[2] = {static_cast<char>(signo), static_cast<char>(info && info->si_code <= 0)};
  [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], note, sizeof note);
  errno = saved;
}

}  // namespace

SignalWatch::SignalWatch() {
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  g_first = 0;
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < 3; ++i) {
    sigaction(kSignals[i], nullptr, &g_old[i]);
    if (g_old[i].sa_handler != SIG_IGN) sigaction(kSignals[i], &sa, nullptr);
  }
}

SignalWatch::~SignalWatch() {
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &g_old[i], nullptr);
  ::close(g_pipe[0]);
  ::close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
}

int SignalWatch::fd() const {
  return g_pipe[0];
}

CaughtSignal SignalWatch::take() {
  char note[2];
  if (::read(g_pipe[0], note, sizeof note) != static_cast<ssize_t>(sizeof note)) return {};
  return {static_cast<unsigned char>(note[0]), note[1] != 0};
}

bool SignalWatch::any() const {
  return g_first != 0;
}

int SignalWatch::first() const {
  return g_first;
}

void reraise(int signo) {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(signo, &sa, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signo);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(signo);
  std::_Exit(128 + signo);
}

}  // namespace allocsim::io::recording
