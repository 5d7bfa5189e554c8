#pragma once
// The clocks of a recording. The trace clock is tracefs's `mono`,
// ktime_get_mono_fast_ns(): CLOCK_MONOTONIC, so user-space times taken with
// monotonic_ns() are on the trace's time line.
#include <time.h>

#include <cstdint>
#include <string>

namespace allocsim::io::recording {

inline std::uint64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}
inline std::uint64_t monotonic_ns() {
  return clock_ns(CLOCK_MONOTONIC);
}
inline std::uint64_t realtime_ns() {
  return clock_ns(CLOCK_REALTIME);
}

// "2025-12-07T14:03:12.123456789Z"
std::string utc_timestamp(std::uint64_t realtime_ns);
// 2446168241000 -> "2446.168241000" (seconds, as the trace prints them, to the ns)
std::string seconds_text(std::uint64_t ns);

}  // namespace allocsim::io::recording
