#pragma once
// "Did you mean" hints for misspelt keys and enum values.
#include <string>
#include <string_view>
#include <vector>

namespace allocsim::io {

// Edit distance with adjacent transpositions (optimal string alignment),
// ignoring case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate if it is close enough to be a likely typo (at most
// one edit per three characters, at least one), else an empty string.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "a, b or c"
std::string join_alternatives(const std::vector<std::string>& items);

}  // namespace allocsim::io
