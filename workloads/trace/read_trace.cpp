// Format detection and the entry points that pick a reader.
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "workloads/trace/lex.hpp"
#include "workloads/trace/line_prefix.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

bool is_rep_op(std::string_view t) {
  return t.size() > 2 && (t[0] == 'a' || t[0] == 'f' || t[0] == 'r') && t[1] == ' ' &&
         lex::is_digit(lex::ltrim(t.substr(2)).empty() ? 'x' : lex::ltrim(t.substr(2))[0]);
}

}  // namespace

Format detect_format(std::string_view first_lines) {
  unsigned numbers = 0, seen = 0;
  bool rep_op = false;
  bool perf_chain = false, padded = false, kmem_sys = false;
  LinePrefix prefix;
  std::string_view why;
  std::size_t pos = 0;
  while (pos < first_lines.size() && seen < 64) {
    std::size_t nl = first_lines.find('\n', pos);
    if (nl == std::string_view::npos) nl = first_lines.size();
    std::string_view line = first_lines.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view t = lex::trim(line);
    if (t.empty()) continue;
    ++seen;
    if (starts_with(t, "# allocsim-trace")) return Format::native;
    if (starts_with(t, "Alloc(") || starts_with(t, "Free(")) return Format::wee_alloc;
    if (starts_with(t, "cpus=") || starts_with(t, "version = ") ||
        (starts_with(t, "CPU ") && t.find(" is empty") != std::string_view::npos))
      return Format::trace_cmd;
    std::uint64_t n = 0;
    if (lex::parse_u64(t, n)) ++numbers;
    if (is_rep_op(t)) rep_op = true;
    if (t[0] == '#') continue;
    if (parse_line_prefix(line, prefix, why) == PrefixResult::ok) {
      // perf script prints "<sys>:<event>:"; trace-cmd pads "<event>:" to 21 columns.
      const std::size_t at = line.find(prefix.event);
      if (at > 0 && line[at - 1] == ':') kmem_sys = true;
      const std::size_t after = at + prefix.event.size() + 1;
      if (after + 1 < line.size() && line[after] == ' ' && line[after + 1] == ' ') padded = true;
    } else if (line.size() > t.size()) {
      // An indented "<hex addr> <sym> (<dso>)" under a perf event.
      const std::size_t sp = t.find(' ');
      std::uint64_t addr = 0;
      if (sp != std::string_view::npos && lex::parse_u64(t.substr(0, sp), addr, 16) &&
          t.back() == ')')
        perf_chain = true;
    }
  }
  if (numbers >= 3 && rep_op) return Format::malloc_lab_rep;
  if (kmem_sys || perf_chain) return Format::perf;
  if (padded) return Format::trace_cmd;
  return Format::ftrace;
}

std::unique_ptr<LineParser> make_line_parser(Trace& t, const ReadOptions& opt) {
  switch (t.format) {
    case Format::ftrace:
    case Format::trace_cmd:
    case Format::perf:
      return make_kernel_text_parser(t, opt);
    case Format::wee_alloc:
      return make_wee_alloc_parser(t, opt);
    case Format::malloc_lab_rep:
      return make_malloc_lab_parser(t, opt);
    case Format::native:
      return make_native_parser(t, opt);
  }
  throw std::logic_error("no parser for the trace format");
}

Trace parse_trace(std::string_view text, Format format, std::string file, const ReadOptions& opt) {
  Trace t;
  t.file = std::move(file);
  t.format = format;
  t.events.reserve(text.size() / 100 + 16);
  const std::unique_ptr<LineParser> parser = make_line_parser(t, opt);
  lex::for_each_line(text, [&](std::string_view line, std::uint32_t number) {
    parser->parse(line, number, t.events);
  });
  return t;
}

Trace read_trace_file(const std::filesystem::path& path, const ReadOptions& opt) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path.string() + ": cannot open");
  std::string text;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) text.resize(static_cast<std::size_t>(size));
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  const std::string_view head = std::string_view(text).substr(0, 16384);
  return parse_trace(text, detect_format(head), path.string(), opt);
}

}  // namespace allocsim::workloads::trace
