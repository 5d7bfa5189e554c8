#pragma once
// A progress bar on stderr for long runs: shown only when stderr is a
// terminal, not --quiet, and the work has taken more than a second. A host
// thread redraws it five times a second from `fraction` (0..1) and `detail`.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace allocsim::cli {

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::function<double()> fraction, std::function<std::string()> detail);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();  // stops and erases the bar

  // Whether a bar may be shown at all: stderr is a terminal and not quiet.
  static bool wanted(bool quiet);

 private:
  void loop();
  std::function<double()> fraction_;
  std::function<std::string()> detail_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace allocsim::cli
