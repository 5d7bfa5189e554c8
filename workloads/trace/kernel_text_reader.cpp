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

class KernelTextParser final : public LineParser {
 public:
  KernelTextParser(Trace& t, const ReadOptions& opt) : t_(t), opt_(opt), fields_(t) {}

  void parse(std::string_view line, std::uint32_t number, std::vector<TraceEvent>& out) override {
    ++t_.stats.lines;
    const std::string_view trimmed = lex::ltrim(line);
    if (trimmed.empty() || trimmed[0] == '#' || is_tool_header(trimmed)) {
      ++t_.stats.header_lines;
      return;
    }
    if (starts_with(trimmed, "=>")) {  // options/stacktrace: " => sym+0x1/0x2 <addr>"
      ++t_.stats.stack_lines;
      return;
    }
    switch (parse_line_prefix(line, prefix_, why_)) {
      case PrefixResult::ok:
        break;
      case PrefixResult::malformed:
        return report_bad_line(t_, opt_, number, why_);
      case PrefixResult::no_timestamp:
        if (names_kmem_event(trimmed)) {
          report_bad_line(t_, opt_, number, "kmem event line without a <secs.usecs>: timestamp");
        } else if (t_.format == Format::perf && line.size() > trimmed.size()) {
          ++t_.stats.stack_lines;  // indented callchain entry under an event
        } else {
          ++t_.stats.unrecognised_lines;
        }
        return;
    }
    if (prefix_.event[0] == '<') {  // "<stack trace>", "<user stack trace>"
      ++t_.stats.stack_lines;
      return;
    }
    TraceEvent ev;
    ev.kind = kind_from_name(prefix_.event);
    ev.line = number;
    ev.ts_ns = prefix_.ts_ns;
    ev.cpu = prefix_.cpu;
    ev.pid = prefix_.pid;
    ev.comm = fields_.intern_comm(prefix_.comm);
    if (ev.kind == EventKind::other) {
      if (last_other_name_ == 0 || t_.str(last_other_name_) != prefix_.event)
        last_other_name_ = t_.strings.intern(prefix_.event);
      ev.event_name = last_other_name_;
    } else {
      if (!fields_.parse(prefix_.fields, ev))
        return report_bad_line(t_, opt_, number,
                               std::string(prefix_.event) + ": " + fields_.error());
      const std::uint32_t need = required_fields(ev.kind);
      if ((ev.fields & need) != need) ++t_.stats.incomplete_events;
    }
    ++t_.stats.events[static_cast<std::size_t>(ev.kind)];
    out.push_back(ev);
  }

 private:
  Trace& t_;
  const ReadOptions opt_;
  KmemFieldParser fields_;
  LinePrefix prefix_;
  std::string_view why_;
  StrId last_other_name_ = 0;
};

}  // namespace

std::unique_ptr<LineParser> make_kernel_text_parser(Trace& t, const ReadOptions& opt) {
  return std::make_unique<KernelTextParser>(t, opt);
}

}  // namespace allocsim::workloads::trace
