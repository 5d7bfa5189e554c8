#pragma once
// How big a ring buffer a recording needed: the size of each event in the
// buffer, from the event's tracefs `format` and the ring buffer's header
// rules (kernel/trace/ring_buffer.c: rb_calculate_event_length), and the
// --buffer-size that would have held the events of a recording that lost some.
#include <cstdint>
#include <string_view>
#include <vector>

namespace allocsim::io::recording {

// A guess at the bytes of one __data_loc string (a cache name with its NUL).
inline constexpr std::uint64_t kDynamicFieldGuess = 24;

// The bytes of an event's record as trace_event_raw_<event> lays it out: the
// end of its last field (events/<sys>/<event>/format) rounded up to 8, plus
// kDynamicFieldGuess per __data_loc field. 0 when the text lists no field.
std::uint64_t event_payload_bytes(std::string_view format_text);
// kernel_stack with `frames` return addresses: `int size` and `caller[]`
// (kernel/trace/trace.c: __ftrace_trace_stack).
std::uint64_t stack_payload_bytes(double frames);
// A payload in the ring buffer: a 4-byte header, a 4-byte length word above
// RB_MAX_SMALL_DATA (112 bytes), aligned to 4.
std::uint64_t ring_buffer_event_bytes(std::uint64_t payload);

// One CPU of a recording: the events it wrote (those in the trace and those
// lost) and their mean size in the ring buffer.
struct CpuEvents {
  std::uint64_t written = 0;
  double bytes_per_event = 0;
};

// The per-CPU buffer, in KiB, that would have held every event even had
// nothing been read while tracing: the worst CPU's events (with a 4 KiB
// sub-buffer's 16-byte header per page), with 50 % margin as a re-run
// differs, rounded up to whole MiB; at least twice `buffer_kb`. How much a
// reader drains while tracing depends on the load and on its priority, so
// a buffer sized from the lost events alone need not do.
std::uint64_t suggest_buffer_kb(std::uint64_t buffer_kb, const std::vector<CpuEvents>& cpus);

}  // namespace allocsim::io::recording
