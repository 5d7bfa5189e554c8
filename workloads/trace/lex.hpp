#pragma once
// Allocation-free scanning helpers shared by the trace readers: line
// iteration (LF or CRLF), whitespace trimming and whole-token number parsing
// with std::from_chars.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

namespace allocsim::workloads::trace::lex {

inline bool is_space(char c) {
  return c == ' ' || c == '\t';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline std::string_view ltrim(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}
inline std::string_view rtrim(std::string_view s) {
  std::size_t n = s.size();
  while (n > 0 && is_space(s[n - 1])) --n;
  return s.substr(0, n);
}
inline std::string_view trim(std::string_view s) {
  return rtrim(ltrim(s));
}

// Calls f(line, number) for each line of `text` (1-based), without the
// trailing '\n' or "\r\n".
template <class F>
void for_each_line(std::string_view text, F&& f) {
  std::uint32_t number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const std::size_t end =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    f(line, ++number);
    pos = end + 1;
  }
}

// The whole of `s` as a number; false when empty, out of range or followed by
// anything. parse_u64_prefix leaves `s` at what follows the digits instead.
inline bool parse_u64_prefix(std::string_view& s, std::uint64_t& out, int base = 10) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  if (ec != std::errc{}) return false;
  s.remove_prefix(static_cast<std::size_t>(p - s.data()));
  return true;
}
inline bool parse_u64(std::string_view s, std::uint64_t& out, int base = 10) {
  return parse_u64_prefix(s, out, base) && s.empty();
}
template <class Int>
bool parse_int(std::string_view s, Int& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}
// "0x1f" or "1f" (the kernel's %lx and %p print no prefix).
inline bool parse_hex(std::string_view s, std::uint64_t& out) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  return parse_u64(s, out, 16);
}
// "123" decimal or "0x7b" hex (the options/fields rendering prints hex).
inline bool parse_number(std::string_view s, std::uint64_t& out) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return parse_u64(s.substr(2), out, 16);
  return parse_u64(s, out);
}

// "secs.frac" (frac of 1 to 9 digits: usecs from ftrace, nsecs from perf) to ns.
inline bool parse_timestamp(std::string_view s, std::uint64_t& ns) {
  const std::size_t dot = s.find('.');
  std::uint64_t secs = 0, frac = 0;
  if (dot == std::string_view::npos) {
    if (!parse_u64(s, secs)) return false;
    ns = secs * 1'000'000'000u;
    return true;
  }
  const std::string_view f = s.substr(dot + 1);
  if (f.empty() || f.size() > 9 || !parse_u64(s.substr(0, dot), secs) || !parse_u64(f, frac))
    return false;
  for (std::size_t i = f.size(); i < 9; ++i) frac *= 10;
  ns = secs * 1'000'000'000u + frac;
  return true;
}

}  // namespace allocsim::workloads::trace::lex
