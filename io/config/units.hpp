#pragma once
// Parsing of config scalars with units. Each function takes the scalar text
// and throws std::invalid_argument with a message that says what is wrong with
// the value (the caller adds the file, position and key). Units are
// case-insensitive and may be separated from the number by spaces ("4 cycles").
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/types.hpp"

namespace allocsim::io {

// Non-negative integer, decimal or 0x-prefixed hexadecimal.
std::uint64_t parse_uint(std::string_view text);
// true/false, yes/no, on/off.
bool parse_bool(std::string_view text);
// Bytes. B, KiB, MiB, GiB, TiB; K/KB, M/MB, G/GB, T/TB are binary multiples
// too (as Linux's memparse reads them); no unit means bytes. A fraction is
// allowed when the result is a whole number of bytes (1.375MiB).
std::uint64_t parse_size(std::string_view text);
// Cycles at `ghz`. cycles/cycle (or no unit), ns, us (or µs), ms, s; times are
// rounded to the nearest cycle, half up (as sim::MachineConfig::ns_to_cycles);
// a time above zero that rounds to 0 cycles is refused.
sim::Cycles parse_time(std::string_view text, double ghz);
// GHz from GHz, MHz, kHz or Hz; a unit is required.
double parse_frequency_ghz(std::string_view text);
// Bytes per cycle at `ghz` from GB/s and MB/s (decimal, as bandwidth is
// quoted), GiB/s and MiB/s, or B/cycle.
double parse_bandwidth(std::string_view text, double ghz);

// Canonical forms, which the parsers above read back exactly.
std::string format_size(std::uint64_t bytes);  // largest exact binary unit: "32KiB", "64B"
std::string format_double(double value);       // shortest text that round-trips

}  // namespace allocsim::io
