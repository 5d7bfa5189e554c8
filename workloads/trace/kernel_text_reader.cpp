// Raw ftrace, `trace-cmd report` and `perf script` kmem traces: one reader,
// since the three differ only in the line prefix (line_prefix.hpp), the field
// renderings (kmem_fields.hpp) and which non-event lines they print.
#include <string>
#include <string_view>

#include "workloads/trace/bad_lines.hpp"
#include "workloads/trace/kmem_fields.hpp"
#include "workloads/trace/lex.hpp"
#include "workloads/trace/line_prefix.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Header lines of `trace-cmd report` ("cpus=4", "version = 6", "CPU 3 is
// empty", "CPU:0 [LOST 12 EVENTS]") and of `perf script --header`.
bool is_tool_header(std::string_view t) {
  return starts_with(t, "cpus=") || starts_with(t, "version =") ||
         (starts_with(t, "CPU") && (t.find(" is empty") != std::string_view::npos ||
                                    t.find("LOST") != std::string_view::npos));
}

// A line without a timestamp that still names a kmem event ("kmalloc: ...")
// is a damaged event line, not a header.
bool names_kmem_event(std::string_view t) {
  std::size_t pos = 0;
  while ((pos = t.find(": ", pos)) != std::string_view::npos) {
    std::size_t b = pos;
    while (b > 0 && !lex::is_space(t[b - 1]) && t[b - 1] != ':') --b;
    if (kind_from_name(t.substr(b, pos - b)) != EventKind::other) return true;
    pos += 2;
  }
  return false;
}

}  // namespace

void parse_kernel_text(std::string_view text, Trace& t, const ReadOptions& opt) {
  KmemFieldParser fields(t);
  if (t.events.empty()) t.events.reserve(text.size() / 100 + 16);
  LinePrefix prefix;
  std::string_view why;
  StrId last_other_name = 0;
  lex::for_each_line(text, [&](std::string_view line, std::uint32_t number) {
    ++t.stats.lines;
    const std::string_view trimmed = lex::ltrim(line);
    if (trimmed.empty() || trimmed[0] == '#' || is_tool_header(trimmed)) {
      ++t.stats.header_lines;
      return;
    }
    if (starts_with(trimmed, "=>")) {  // options/stacktrace: " => sym+0x1/0x2 <addr>"
      ++t.stats.stack_lines;
      return;
    }
    switch (parse_line_prefix(line, prefix, why)) {
      case PrefixResult::ok:
        break;
      case PrefixResult::malformed:
        report_bad_line(t, opt, number, why);
        return;
      case PrefixResult::no_timestamp:
        if (names_kmem_event(trimmed)) {
          report_bad_line(t, opt, number, "kmem event line without a <secs.usecs>: timestamp");
        } else if (t.format == Format::perf && line.size() > trimmed.size()) {
          ++t.stats.stack_lines;  // indented callchain entry under an event
        } else {
          ++t.stats.unrecognised_lines;
        }
        return;
    }
    if (prefix.event[0] == '<') {  // "<stack trace>", "<user stack trace>"
      ++t.stats.stack_lines;
      return;
    }
    TraceEvent ev;
    ev.kind = kind_from_name(prefix.event);
    ev.line = number;
    ev.ts_ns = prefix.ts_ns;
    ev.cpu = prefix.cpu;
    ev.pid = prefix.pid;
    ev.comm = fields.intern_comm(prefix.comm);
    if (ev.kind == EventKind::other) {
      if (last_other_name == 0 || t.str(last_other_name) != prefix.event)
        last_other_name = t.strings.intern(prefix.event);
      ev.event_name = last_other_name;
    } else {
      if (!fields.parse(prefix.fields, ev)) {
        report_bad_line(t, opt, number, std::string(prefix.event) + ": " + fields.error());
        return;
      }
      const std::uint32_t need = required_fields(ev.kind);
      if ((ev.fields & need) != need) ++t.stats.incomplete_events;
    }
    ++t.stats.events[static_cast<std::size_t>(ev.kind)];
    t.events.push_back(ev);
  });
}

}  // namespace allocsim::workloads::trace
