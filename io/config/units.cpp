#include "io/config/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "util/printable.hpp"

namespace allocsim::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "1.375 MiB" -> digits "1", fraction "375", unit "MiB".
struct Quantity {
  bool negative = false;
  std::string_view whole, fraction, unit;
  std::string_view number;  // the number as written, for std::from_chars
};

Quantity split_quantity(std::string_view text, const char* what) {
  std::string_view s = trim(text);
  Quantity q;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) q.negative = s[i++] == '-';
  std::size_t whole_start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  q.whole = s.substr(whole_start, i - whole_start);
  if (i < s.size() && s[i] == '.') {
    std::size_t frac_start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    q.fraction = s.substr(frac_start, i - frac_start);
  }
  if (q.whole.empty() && q.fraction.empty()) {
    throw std::invalid_argument("expected " + std::string(what) + ", got '" +
                                util::printable(text) + "'");
  }
  if (q.negative) {
    throw std::invalid_argument(std::string(what) + " must not be negative, got '" +
                                util::printable(text) + "'");
  }
  q.number = s.substr(whole_start, i - whole_start);
  q.unit = trim(s.substr(i));
  return q;
}

// Correctly rounded, so "2.7" and "2700MHz" give the same double.
double to_double(const Quantity& q) {
  double value = 0;
  std::from_chars(q.number.data(), q.number.data() + q.number.size(), value);
  return value;
}

[[noreturn]] void bad_unit(std::string_view text, const Quantity& q, const char* what,
                           const char* allowed) {
  throw std::invalid_argument("invalid " + std::string(what) + " '" + util::printable(text) +
                              "': unknown unit '" + std::string(q.unit) + "' (expected " + allowed +
                              ")");
}

using Unit = std::pair<std::string_view, double>;

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view unit) {
  std::string u = lower(unit);
  for (const Unit& x : units) {
    if (lower(x.first) == u) return &x;
  }
  return nullptr;
}

}  // namespace

std::uint64_t parse_uint(std::string_view text) {
  std::string_view s = trim(text);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (s.empty() || end != s.data() + s.size() || ec == std::errc::invalid_argument) {
    throw std::invalid_argument("expected a non-negative integer, got '" + util::printable(text) +
                                "'");
  }
  if (ec == std::errc::result_out_of_range) {
    throw std::invalid_argument("integer '" + util::printable(text) + "' is too large");
  }
  return value;
}

bool parse_bool(std::string_view text) {
  std::string s = lower(trim(text));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  throw std::invalid_argument("expected a boolean (true/false, yes/no, on/off), got '" +
                              util::printable(text) + "'");
}

std::uint64_t parse_size(std::string_view text) {
  std::string_view s = trim(text);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return parse_uint(s);
  Quantity q = split_quantity(text, "a size");
  static constexpr std::array<Unit, 13> kUnits{{
      {"B", 1},
      {"KiB", 0x1p10},
      {"MiB", 0x1p20},
      {"GiB", 0x1p30},
      {"TiB", 0x1p40},
      {"K", 0x1p10},
      {"KB", 0x1p10},
      {"M", 0x1p20},
      {"MB", 0x1p20},
      {"G", 0x1p30},
      {"GB", 0x1p30},
      {"T", 0x1p40},
      {"TB", 0x1p40},
  }};
  unsigned __int128 multiplier = 1;
  if (!q.unit.empty()) {
    const Unit* unit = find_unit(kUnits, q.unit);
    if (!unit) bad_unit(text, q, "size", "B, KiB, MiB, GiB, TiB, K, KB, M, MB, G, GB, T or TB");
    multiplier = static_cast<unsigned __int128>(unit->second);
  }
  // Exact decimal arithmetic: 1.375MiB is 1441792 bytes, not a rounded double.
  if (q.whole.size() + q.fraction.size() > 24) {
    throw std::invalid_argument("size '" + util::printable(text) + "' is too large");
  }
  unsigned __int128 digits = 0, scale = 1;
  for (char c : q.whole) digits = digits * 10 + static_cast<unsigned>(c - '0');
  for (char c : q.fraction) {
    digits = digits * 10 + static_cast<unsigned>(c - '0');
    scale *= 10;
  }
  unsigned __int128 scaled = digits * multiplier;
  if (scaled % scale != 0) {
    throw std::invalid_argument("size '" + util::printable(text) +
                                "' is not a whole number of bytes");
  }
  unsigned __int128 bytes = scaled / scale;
  if (bytes > UINT64_MAX)
    throw std::invalid_argument("size '" + util::printable(text) + "' is too large");
  return static_cast<std::uint64_t>(bytes);
}

sim::Cycles parse_time(std::string_view text, double ghz) {
  Quantity q = split_quantity(text, "a time");
  std::string unit = lower(q.unit);
  if (unit.empty() || unit == "cycles" || unit == "cycle") {
    if (!q.fraction.empty()) {
      throw std::invalid_argument("time '" + util::printable(text) +
                                  "' is not a whole number of cycles");
    }
    return parse_uint(q.whole);
  }
  static constexpr std::array<Unit, 5> kUnits{
      {{"ns", 1}, {"us", 1e3}, {"\u00b5s", 1e3}, {"ms", 1e6}, {"s", 1e9}}};
  const Unit* u = find_unit(kUnits, q.unit);
  if (!u) bad_unit(text, q, "time", "cycles, ns, us, ms or s");
  const double value = to_double(q);
  double cycles = value * u->second * ghz + 0.5;
  if (!(cycles < 0x1p63))
    throw std::invalid_argument("time '" + util::printable(text) + "' is too long");
  // A time that is not zero must not vanish in the conversion.
  if (value > 0 && cycles < 1)
    throw std::invalid_argument("time '" + util::printable(text) +
                                "' is less than half a cycle at " + format_double(ghz) + "GHz");
  return static_cast<sim::Cycles>(cycles);
}

double parse_frequency_ghz(std::string_view text) {
  Quantity q = split_quantity(text, "a frequency");
  static constexpr std::array<Unit, 4> kUnits{
      {{"GHz", 1}, {"MHz", 1e3}, {"kHz", 1e6}, {"Hz", 1e9}}};
  if (q.unit.empty()) {
    throw std::invalid_argument("frequency '" + util::printable(text) +
                                "' needs a unit (GHz or MHz)");
  }
  const Unit* u = find_unit(kUnits, q.unit);
  if (!u) bad_unit(text, q, "frequency", "GHz, MHz, kHz or Hz");
  double ghz = to_double(q) / u->second;
  if (!(ghz > 0)) throw std::invalid_argument("frequency must be greater than zero");
  return ghz;
}

double parse_bandwidth(std::string_view text, double ghz) {
  Quantity q = split_quantity(text, "a bandwidth");
  // Bytes per second, except B/cycle.
  static constexpr std::array<Unit, 6> kUnits{{{"GB/s", 1e9},
                                               {"MB/s", 1e6},
                                               {"GiB/s", 0x1p30},
                                               {"MiB/s", 0x1p20},
                                               {"B/cycle", 0},
                                               {"B/cycles", 0}}};
  if (q.unit.empty()) {
    throw std::invalid_argument("bandwidth '" + util::printable(text) +
                                "' needs a unit (GB/s, GiB/s, MB/s, MiB/s or B/cycle)");
  }
  const Unit* u = find_unit(kUnits, q.unit);
  if (!u) bad_unit(text, q, "bandwidth", "GB/s, GiB/s, MB/s, MiB/s or B/cycle");
  double value = to_double(q);
  double per_cycle = u->second == 0 ? value : value * u->second / (ghz * 1e9);
  if (!(per_cycle > 0)) throw std::invalid_argument("bandwidth must be greater than zero");
  return per_cycle;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<std::pair<unsigned, const char*>, 4> kUnits{
      {{40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"}}};
  if (bytes != 0) {
    for (auto [shift, name] : kUnits) {
      if (bytes % (std::uint64_t{1} << shift) == 0) return std::to_string(bytes >> shift) + name;
    }
  }
  return std::to_string(bytes) + "B";
}

std::string format_double(double value) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), end);
}

}  // namespace allocsim::io
