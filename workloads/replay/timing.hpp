#pragma once
// workload.replay_timing. Open loop: an event starts at its traced time
// offset from the trace's first event, or when its CPU has finished the
// previous one if that is later. Back to back: each CPU's events one after
// another, with no gaps.
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

namespace allocsim::workloads {

enum class ReplayTiming : std::uint8_t { open_loop, back_to_back };
inline constexpr std::array<std::pair<std::string_view, ReplayTiming>, 2> kReplayTimings{{
    {"open-loop", ReplayTiming::open_loop},
    {"back-to-back", ReplayTiming::back_to_back},
}};

}  // namespace allocsim::workloads
