#include "cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace allocsim::cli {

bool ProgressBar::wanted(bool quiet) {
  return !quiet && isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(bool enabled, std::function<double()> fraction,
                         std::function<std::string()> detail)
    : fraction_(std::move(fraction)), detail_(std::move(detail)) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressBar::~ProgressBar() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressBar::loop() {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  std::unique_lock lock(mutex_);
  if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
  while (!stop_) {
    const double f = std::clamp(fraction_(), 0.0, 1.0);
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(std::lround(f * kWidth));
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    char eta[32] = "";
    if (f > 0.01) std::snprintf(eta, sizeof eta, ", ~%.0f s left", elapsed * (1 - f) / f);
    std::fprintf(stderr, "\r[%s] %3.0f%% %s, %.0f s%s\033[K", bar.c_str(), f * 100,
                 detail_().c_str(), elapsed, eta);
    std::fflush(stderr);
    drawn_ = true;
    cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; });
  }
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace allocsim::cli
