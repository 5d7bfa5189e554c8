#include "workloads/trace/line_prefix.hpp"

#include "workloads/trace/lex.hpp"

namespace allocsim::workloads::trace {
namespace {

// The index of the ':' ending "<blank>secs.usecs:", and where the number starts.
bool find_timestamp(std::string_view line, std::size_t& colon, std::size_t& start) {
  std::size_t pos = 0;
  while ((pos = line.find(':', pos)) != std::string_view::npos) {
    const bool ends = pos + 1 == line.size() || lex::is_space(line[pos + 1]);
    if (ends) {
      std::size_t j = pos;
      bool dot = false;
      while (j > 0 && (lex::is_digit(line[j - 1]) || line[j - 1] == '.')) {
        dot = dot || line[j - 1] == '.';
        --j;
      }
      if (dot && j < pos && lex::is_digit(line[j]) && (j == 0 || lex::is_space(line[j - 1]))) {
        colon = pos;
        start = j;
        return true;
      }
    }
    ++pos;
  }
  return false;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!lex::is_digit(c)) return false;
  return true;
}

}  // namespace

PrefixResult parse_line_prefix(std::string_view line, LinePrefix& out, std::string_view& why) {
  std::size_t colon = 0, start = 0;
  if (!find_timestamp(line, colon, start)) return PrefixResult::no_timestamp;
  if (!lex::parse_timestamp(line.substr(start, colon - start), out.ts_ns)) {
    why = "bad timestamp";
    return PrefixResult::malformed;
  }

  // Event name: up to the next ':' that ends a token ("kmalloc:", "kmem:kmalloc:").
  std::string_view rest = lex::ltrim(line.substr(colon + 1));
  std::size_t end = 0;
  while (end < rest.size()) {
    if (rest[end] == ':' && (end + 1 == rest.size() || lex::is_space(rest[end + 1]))) break;
    ++end;
  }
  std::string_view event = rest.substr(0, end);
  if (event.empty()) {
    why = "no event name after the timestamp";
    return PrefixResult::malformed;
  }
  if (end == rest.size() && event.find(' ') != std::string_view::npos && event[0] != '<') {
    // No "<event>:" (function tracer and the like): the first word names it.
    event = event.substr(0, event.find(' '));
    out.fields = {};
  } else {
    out.fields = end < rest.size() ? lex::ltrim(rest.substr(end + 1)) : std::string_view{};
  }
  if (event[0] != '<') {
    const std::size_t sys = event.rfind(':');
    if (sys != std::string_view::npos) event.remove_prefix(sys + 1);
  }
  out.event = event;

  // Head: [comm-pid] [(tgid)] [[cpu]] [flags], read from the right.
  std::string_view head = lex::rtrim(line.substr(0, start));
  out.cpu = -1;
  out.pid = -1;
  out.comm = {};
  if (!head.empty() && head.back() != ']') {
    const std::size_t sp = head.find_last_of(" \t");
    const std::string_view before =
        lex::rtrim(sp == std::string_view::npos ? std::string_view{} : head.substr(0, sp));
    if (!before.empty() && before.back() == ']') head = before;  // drop the flags column
  }
  if (!head.empty() && head.back() == ']') {
    const std::size_t open = head.rfind('[');
    std::uint64_t cpu = 0;
    if (open == std::string_view::npos ||
        !lex::parse_u64(head.substr(open + 1, head.size() - open - 2), cpu) || cpu > 32767) {
      why = "bad [cpu] column";
      return PrefixResult::malformed;
    }
    out.cpu = static_cast<std::int16_t>(cpu);
    head = lex::rtrim(head.substr(0, open));
  }
  if (!head.empty() && head.back() == ')') {  // options/record-tgid: "(1234)" or "(-------)"
    const std::size_t open = head.rfind('(');
    if (open != std::string_view::npos) head = lex::rtrim(head.substr(0, open));
  }
  head = lex::ltrim(head);
  if (head.empty()) return PrefixResult::ok;

  std::size_t d = head.size();
  while (d > 0 && lex::is_digit(head[d - 1])) --d;
  std::string_view digits = head.substr(d);
  if (d > 0 && head[d - 1] == '/') {  // perf "pid/tid": keep the pid
    std::size_t p = d - 1;
    while (p > 0 && lex::is_digit(head[p - 1])) --p;
    digits = head.substr(p, d - 1 - p);
    d = p;
  }
  if (!all_digits(digits) || d == 0 || (head[d - 1] != '-' && !lex::is_space(head[d - 1])) ||
      !lex::parse_int(digits, out.pid)) {
    why = "no <comm>-<pid> before the [cpu] column";
    return PrefixResult::malformed;
  }
  out.comm = lex::rtrim(head.substr(0, d - 1));
  return PrefixResult::ok;
}

}  // namespace allocsim::workloads::trace
