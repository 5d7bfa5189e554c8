#pragma once
// Input quoted in messages: every error path (config, sweep files, trace
// readers, the command line) passes user text through printable(), so a
// message never carries a terminal control sequence or a megabyte of input.
#include <cstddef>
#include <string>
#include <string_view>

namespace allocsim::util {

inline constexpr std::size_t kQuotedBytes = 80;    // one value or key quoted in a message
inline constexpr std::size_t kMessageBytes = 400;  // one whole message line

// `text` with control characters (C0, DEL, C1), bidirectional overrides and
// invalid UTF-8 bytes as escapes (\r, \n, \t, \x7f, \u202e), and, if longer
// than `max` bytes after that, cut at a character boundary and ended with
// "...". Valid UTF-8 stays as it is; applying it twice changes nothing more.
std::string printable(std::string_view text, std::size_t max = kQuotedBytes);

}  // namespace allocsim::util
