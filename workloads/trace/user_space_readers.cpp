// User-space malloc traces, mapped to kmalloc/kfree events whose ptr is a
// synthetic id (allocation index + 1, so no id is 0 = NULL); bytes_alloc is
// left unset, there are no timestamps (order = line order), cpu and pid are -1.
//   wee_alloc test/traces (valgrind --trace-malloc, normalised):
//     "Alloc(<bytes>)," takes the next index 0,1,2,...; "Free(<index>)," frees it.
//   CS:APP malloc lab .rep: four header numbers (suggested heap size, ids,
//   operations, weight), then "a <id> <bytes>", "f <id>", "r <id> <bytes>"
//   (realloc: a kfree and a kmalloc of the same id).
#include <cstdint>
#include <string>
#include <string_view>

#include "workloads/trace/bad_lines.hpp"
#include "workloads/trace/lex.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

void push(Trace& t, EventKind kind, std::uint32_t line, std::uint64_t id, std::uint64_t bytes) {
  TraceEvent ev;
  ev.kind = kind;
  ev.line = line;
  ev.ptr = id + 1;
  ev.fields = bit(Field::ptr);
  if (kind == EventKind::kmalloc) {
    ev.bytes_req = bytes;
    ev.fields |= bit(Field::bytes_req);
  }
  ++t.stats.events[static_cast<std::size_t>(kind)];
  t.events.push_back(ev);
}

// "Name(<number>)" with an optional trailing ','.
bool call_arg(std::string_view s, std::string_view name, std::uint64_t& arg) {
  if (s.substr(0, name.size()) != name) return false;
  s.remove_prefix(name.size());
  if (!s.empty() && s.back() == ',') s.remove_suffix(1);
  if (s.size() < 3 || s.front() != '(' || s.back() != ')') return false;
  return lex::parse_u64(s.substr(1, s.size() - 2), arg);
}

}  // namespace

void parse_wee_alloc(std::string_view text, Trace& t, const ReadOptions& opt) {
  std::uint64_t allocs = 0;
  t.events.reserve(t.events.size() + text.size() / 10);
  lex::for_each_line(text, [&](std::string_view line, std::uint32_t number) {
    ++t.stats.lines;
    line = lex::trim(line);
    if (line.empty()) {
      ++t.stats.header_lines;
      return;
    }
    std::uint64_t arg = 0;
    if (call_arg(line, "Alloc", arg)) {
      push(t, EventKind::kmalloc, number, allocs++, arg);
    } else if (call_arg(line, "Free", arg)) {
      if (arg >= allocs) {
        report_bad_line(t, opt, number,
                        "Free(" + std::to_string(arg) + ") of an index not yet allocated");
        return;
      }
      push(t, EventKind::kfree, number, arg, 0);
    } else {
      report_bad_line(t, opt, number, "expected Alloc(<bytes>), or Free(<index>),");
    }
  });
}

void parse_malloc_lab_rep(std::string_view text, Trace& t, const ReadOptions& opt) {
  std::uint64_t header[4] = {};
  unsigned headers = 0;
  lex::for_each_line(text, [&](std::string_view line, std::uint32_t number) {
    ++t.stats.lines;
    line = lex::trim(line);
    if (line.empty() || line[0] == '#') {
      ++t.stats.header_lines;
      return;
    }
    if (headers < 4) {
      if (!lex::parse_u64(line, header[headers])) {
        report_bad_line(t, opt, number, "expected a header number (heap size, ids, ops, weight)");
        return;
      }
      ++headers;
      ++t.stats.header_lines;
      return;
    }
    const char op = line[0];
    std::string_view rest = lex::ltrim(line.substr(1));
    const std::size_t sp = rest.find(' ');
    std::uint64_t id = 0, bytes = 0;
    const bool sized = op == 'a' || op == 'r';
    const bool ok =
        (op == 'a' || op == 'f' || op == 'r') && line.size() > 1 && lex::is_space(line[1]) &&
        (sized ? sp != std::string_view::npos && lex::parse_u64(rest.substr(0, sp), id) &&
                     lex::parse_u64(lex::ltrim(rest.substr(sp + 1)), bytes)
               : lex::parse_u64(rest, id));
    if (!ok) {
      report_bad_line(t, opt, number, "expected 'a <id> <bytes>', 'f <id>' or 'r <id> <bytes>'");
      return;
    }
    if (id >= header[1]) {
      report_bad_line(t, opt, number,
                      "id " + std::to_string(id) + " >= the header's " + std::to_string(header[1]));
      return;
    }
    if (op != 'a') push(t, EventKind::kfree, number, id, 0);
    if (op != 'f') push(t, EventKind::kmalloc, number, id, bytes);
  });
}

}  // namespace allocsim::workloads::trace
