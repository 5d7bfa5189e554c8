#pragma once
// Settings of the hardware exercise (workload.exercise in a config): false
// sharing, padded counters and random reads, run before any allocator exists.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workloads/replay/timing.hpp"

namespace allocsim::workloads {

enum class ExercisePattern : std::uint8_t {
  false_sharing,
  padded,
  random_read,
  page_churn,
  kmalloc_churn,
  slab_colour
};

inline constexpr std::array<std::pair<std::string_view, ExercisePattern>, 6> kExercisePatterns{{
    {"false_sharing", ExercisePattern::false_sharing},
    {"padded", ExercisePattern::padded},
    {"random_read", ExercisePattern::random_read},
    {"page_churn", ExercisePattern::page_churn},
    {"kmalloc_churn", ExercisePattern::kmalloc_churn},
    {"slab_colour", ExercisePattern::slab_colour},
}};

inline std::string_view to_string(ExercisePattern pattern) {
  for (const auto& [name, p] : kExercisePatterns)
    if (p == pattern) return name;
  return "?";
}

// workload.trace: a kmem trace, or a recording directory (allocsim record),
// replayed through the kernel model instead of the exercise. `path` is
// resolved against the directory of the config file that named it; empty: no
// trace. For a recording, `recording` is the directory and `path` its trace.
struct TraceConfig {
  std::string path;
  std::string recording;
  std::string format = "auto";  // auto, ftrace, trace-cmd, perf, native, wee_alloc, malloc-lab
  bool skip_bad_lines = false;
  ReplayTiming timing = ReplayTiming::open_loop;  // workload.replay_timing
  double time_scale = 1.0;                        // workload.replay_time_scale
};
inline constexpr std::array<std::string_view, 7> kTraceFormats{
    "auto", "ftrace", "trace-cmd", "perf", "native", "wee_alloc", "malloc-lab"};

struct ExerciseConfig {
  std::uint64_t ops_per_cpu = 20000;
  std::uint64_t footprint_bytes = 8 << 20;
  std::vector<ExercisePattern> patterns{ExercisePattern::false_sharing, ExercisePattern::padded,
                                        ExercisePattern::random_read, ExercisePattern::page_churn,
                                        ExercisePattern::kmalloc_churn};
};

}  // namespace allocsim::workloads
