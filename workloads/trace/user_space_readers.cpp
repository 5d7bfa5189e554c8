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

TraceEvent event(EventKind kind, std::uint32_t line, std::uint64_t id, std::uint64_t bytes) {
  TraceEvent ev;
  ev.kind = kind;
  ev.line = line;
  ev.ptr = id + 1;
  ev.fields = bit(Field::ptr);
  if (kind == EventKind::kmalloc) {
    ev.bytes_req = bytes;
    ev.fields |= bit(Field::bytes_req);
  }
  return ev;
}

// "Name(<number>)" with an optional trailing ','.
bool call_arg(std::string_view s, std::string_view name, std::uint64_t& arg) {
  if (s.substr(0, name.size()) != name) return false;
  s.remove_prefix(name.size());
  if (!s.empty() && s.back() == ',') s.remove_suffix(1);
  if (s.size() < 3 || s.front() != '(' || s.back() != ')') return false;
  return lex::parse_u64(s.substr(1, s.size() - 2), arg);
}

// The parsers of both formats: counting each event they emit.
class UserSpaceParser : public LineParser {
 public:
  UserSpaceParser(Trace& t, const ReadOptions& opt) : t_(t), opt_(opt) {}

 protected:
  void push(std::vector<TraceEvent>& out, EventKind kind, std::uint32_t line, std::uint64_t id,
            std::uint64_t bytes) {
    ++t_.stats.events[static_cast<std::size_t>(kind)];
    out.push_back(event(kind, line, id, bytes));
  }
  Trace& t_;
  const ReadOptions opt_;
};

class WeeAllocParser final : public UserSpaceParser {
 public:
  using UserSpaceParser::UserSpaceParser;
  void parse(std::string_view line, std::uint32_t number, std::vector<TraceEvent>& out) override {
    ++t_.stats.lines;
    line = lex::trim(line);
    if (line.empty()) {
      ++t_.stats.header_lines;
      return;
    }
    std::uint64_t arg = 0;
    if (call_arg(line, "Alloc", arg)) {
      push(out, EventKind::kmalloc, number, allocs_++, arg);
    } else if (call_arg(line, "Free", arg)) {
      if (arg >= allocs_)
        return report_bad_line(t_, opt_, number,
                               "Free(" + std::to_string(arg) + ") of an index not yet allocated");
      push(out, EventKind::kfree, number, arg, 0);
    } else {
      report_bad_line(t_, opt_, number, "expected Alloc(<bytes>), or Free(<index>),");
    }
  }

 private:
  std::uint64_t allocs_ = 0;
};

class MallocLabParser final : public UserSpaceParser {
 public:
  using UserSpaceParser::UserSpaceParser;
  void parse(std::string_view line, std::uint32_t number, std::vector<TraceEvent>& out) override {
    ++t_.stats.lines;
    line = lex::trim(line);
    if (line.empty() || line[0] == '#') {
      ++t_.stats.header_lines;
      return;
    }
    if (headers_ < 4) {
      if (!lex::parse_u64(line, header_[headers_]))
        return report_bad_line(t_, opt_, number,
                               "expected a header number (heap size, ids, ops, weight)");
      ++headers_;
      ++t_.stats.header_lines;
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
    if (!ok)
      return report_bad_line(t_, opt_, number,
                             "expected 'a <id> <bytes>', 'f <id>' or 'r <id> <bytes>'");
    if (id >= header_[1])
      return report_bad_line(
          t_, opt_, number,
          "id " + std::to_string(id) + " >= the header's " + std::to_string(header_[1]));
    if (op != 'a') push(out, EventKind::kfree, number, id, 0);
    if (op != 'f') push(out, EventKind::kmalloc, number, id, bytes);
  }

 private:
  std::uint64_t header_[4] = {};
  unsigned headers_ = 0;
};

}  // namespace

std::unique_ptr<LineParser> make_wee_alloc_parser(Trace& t, const ReadOptions& opt) {
  return std::make_unique<WeeAllocParser>(t, opt);
}

std::unique_ptr<LineParser> make_malloc_lab_parser(Trace& t, const ReadOptions& opt) {
  return std::make_unique<MallocLabParser>(t, opt);
}

}  // namespace allocsim::workloads::trace
