#include "util/printable.hpp"

#include <cstdint>

namespace allocsim::util {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kCut = "...";

std::string byte_escape(unsigned char c) {
  switch (c) {
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return std::string{'\\', 'x', kHex[c >> 4], kHex[c & 15]};
  }
}

std::string code_point_escape(std::uint32_t cp) {
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
  return out;
}

// Length of the valid UTF-8 sequence at the start of `s` (2..4), its code
// point in `cp`; 0 if it is not one (overlong forms and surrogates included).
std::size_t utf8_sequence(std::string_view s, std::uint32_t& cp) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  std::size_t n = 0;
  std::uint32_t min = 0;
  if ((b(0) & 0xe0) == 0xc0) {
    n = 2, cp = b(0) & 0x1f, min = 0x80;
  } else if ((b(0) & 0xf0) == 0xe0) {
    n = 3, cp = b(0) & 0x0f, min = 0x800;
  } else if ((b(0) & 0xf8) == 0xf0) {
    n = 4, cp = b(0) & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// C1 controls, and the formatting characters that reorder what a terminal shows.
bool invisible(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

}  // namespace

std::string printable(std::string_view text, std::size_t max) {
  // Escapes until the text ends or the output passes `max`; in the second
  // case it is cut back to the last character that leaves room for "...".
  const std::size_t room = max > kCut.size() ? max - kCut.size() : 0;
  std::string out;
  std::size_t cut_at = 0;
  for (std::size_t i = 0; i < text.size() && out.size() <= max;) {
    if (out.size() <= room) cut_at = out.size();
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    if (c < 0x20 || c == 0x7f) {
      out += byte_escape(c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t n = utf8_sequence(text.substr(i), cp)) {
      if (invisible(cp))
        out += code_point_escape(cp);
      else
        out.append(text.substr(i, n));
      i += n;
    } else {
      out += byte_escape(c);
      ++i;
    }
  }
  if (out.size() <= max) return out;
  out.resize(cut_at);
  return out.append(kCut);
}

}  // namespace allocsim::util
