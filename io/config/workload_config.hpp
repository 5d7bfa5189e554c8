#pragma once
// The `workload:` section. For now only `exercise:`, the hardware-model
// exercise (false sharing, padded counters, random reads) used before the
// allocators exist; generators and traces will join it here.
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace allocsim::io {

enum class ExercisePattern : std::uint8_t { false_sharing, padded, random_read };

inline constexpr std::array<std::pair<std::string_view, ExercisePattern>, 3> kExercisePatterns{{
    {"false_sharing", ExercisePattern::false_sharing},
    {"padded", ExercisePattern::padded},
    {"random_read", ExercisePattern::random_read},
}};

std::string_view to_string(ExercisePattern pattern);

struct ExerciseConfig {
  std::uint64_t ops_per_cpu = 20000;
  std::uint64_t footprint_bytes = 8 << 20;
  std::vector<ExercisePattern> patterns{ExercisePattern::false_sharing, ExercisePattern::padded,
                                        ExercisePattern::random_read};
};

}  // namespace allocsim::io
