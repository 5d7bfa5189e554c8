#pragma once
// The part of a kernel trace line before the event's fields, in the three
// text renderings (kernel/trace/trace_output.c, trace-cmd report, perf script):
//   ftrace `trace`/`trace_pipe`  `<comm>-<pid> [(tgid)] [<cpu>] [<flags>] <secs.usecs>: <event>:
//   <fields>`
//     (kernel/trace/trace_output.c: no flags column in 2.6.3x, 4 chars in
//      2.6.3x-4.x, 5 in 6.x; `(tgid)` with options/record-tgid)
//   `trace-cmd report`           `<comm>-<pid> [<cpu>] [<flags>] <secs.usecs>: <event>:<pad>
//   <fields>` `perf script`                `<comm> <pid>[/<tid>] [<cpu>] <secs.usecs>:
//   <sys>:<event>: <fields>`
// The timestamp ("digits.digits:" preceded by a blank) anchors the line; the
// comm, which may hold blanks and dashes, is what remains left of the pid.
#include <cstdint>
#include <string_view>

namespace allocsim::workloads::trace {

struct LinePrefix {
  std::string_view comm;  // empty when the line has no comm-pid column
  std::int32_t pid = -1;
  std::int16_t cpu = -1;
  std::uint64_t ts_ns = 0;
  std::string_view event;   // "kmalloc" ("kmem:" stripped), "<stack trace>", ...
  std::string_view fields;  // after "<event>:", left-trimmed
};

enum class PrefixResult : std::uint8_t {
  ok,
  no_timestamp,  // not an event line
  malformed,     // a timestamp but an unreadable pid or cpu column; see `why`
};

PrefixResult parse_line_prefix(std::string_view line, LinePrefix& out, std::string_view& why);

}  // namespace allocsim::workloads::trace
