#pragma once
// `repeat` in workload.generator.threads (docs/workloads.md, "Repeat"): an
// item {repeat: N, as: NAME, threads: [...]} stands for N copies of its thread
// templates, ${NAME} in every value of copy k replaced by k (0..N-1). Lets a
// workload of N groups of threads (hackbench) be written once and swept over
// a param.
#include <cstdint>
#include <string>
#include <string_view>

#include "io/config/tree.hpp"

namespace allocsim::io {

inline constexpr std::uint64_t kMaxRepeat = 4096;
inline constexpr std::string_view kDefaultRepeatIndex = "i";

// The index name a `repeat` item binds (its `as`, default "i"), or "" if the
// node is not a repeat item. ${} params substitution leaves ${NAME} alone inside it.
std::string repeat_index_name(const Node& item);

// Replaces every repeat item of `threads` (a sequence at dotted `path`; other
// nodes are left for the reader to report) by its copies. ConfigError on a bad
// count, index name, empty or nested repeat.
void expand_repeats(Node& threads, const std::string& path);

}  // namespace allocsim::io
