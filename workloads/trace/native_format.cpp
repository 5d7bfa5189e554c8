#include "workloads/trace/native_format.hpp"

#include <charconv>
#include <cstdint>
#include <sstream>
#include <string_view>

#include "workloads/trace/bad_lines.hpp"
#include "workloads/trace/kmem_fields.hpp"
#include "workloads/trace/lex.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

constexpr std::string_view kHeader = "# allocsim-trace 1";

bool needs_escape(char c) {
  return c == '%' || c == '=' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
}

void put_escaped(std::string& out, std::string_view s) {
  if (s.empty() || s == "-") {
    out += s.empty() ? "-" : "%2D";
    return;
  }
  for (char c : s) {
    if (!needs_escape(c)) {
      out += c;
      continue;
    }
    constexpr char kHex[] = "0123456789ABCDEF";
    const auto u = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[u >> 4];
    out += kHex[u & 15];
  }
}

// %XX back to bytes, into `scratch` when there is any; false on a bad escape.
bool unescape(std::string_view s, std::string& scratch, std::string_view& out) {
  if (s == "-") {
    out = {};
    return true;
  }
  if (s.find('%') == std::string_view::npos) {
    out = s;
    return true;
  }
  scratch.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      scratch += s[i];
      continue;
    }
    std::uint64_t v = 0;
    if (i + 2 >= s.size() + 0 || !lex::parse_u64(s.substr(i + 1, 2), v, 16)) return false;
    scratch += static_cast<char>(v);
    i += 2;
  }
  out = scratch;
  return true;
}

template <class Int>
void put_num(std::string& out, Int v, int base = 10) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, base);
  out.append(buf, r.ptr);
}

void put_hex(std::string& out, std::uint64_t v) {
  out += "0x";
  put_num(out, v, 16);
}

void write_event(std::string& s, const Trace& t, const TraceEvent& e) {
  s += kind_name(e.kind);
  s += ' ';
  put_num(s, e.ts_ns);
  s += ' ';
  put_num(s, e.cpu);
  s += ' ';
  put_num(s, e.pid);
  s += ' ';
  put_num(s, e.line);
  s += ' ';
  put_escaped(s, t.str(e.comm));
  if (e.kind == EventKind::other) {
    s += " event=";
    put_escaped(s, t.str(e.event_name));
  }
  auto key = [&](std::string_view k) {
    s += ' ';
    s += k;
    s += '=';
  };
  if (e.has(Field::call_site)) {
    key("call_site");
    if (e.call_site_sym != 0) {
      put_escaped(s, t.str(e.call_site_sym));
    } else {
      put_hex(s, e.call_site);
    }
  }
  if (e.has(Field::ptr)) key("ptr"), put_hex(s, e.ptr);
  if (e.has(Field::bytes_req)) key("bytes_req"), put_num(s, e.bytes_req);
  if (e.has(Field::bytes_alloc)) key("bytes_alloc"), put_num(s, e.bytes_alloc);
  if (e.has(Field::gfp_flags)) {
    key("gfp_flags");
    if (e.gfp_text != 0) {
      put_escaped(s, t.str(e.gfp_text));
    } else {
      put_hex(s, e.gfp_value);
    }
  }
  if (e.has(Field::node)) key("node"), put_num(s, e.node);
  if (e.has(Field::accounted)) key("accounted"), s += e.accounted ? "true" : "false";
  if (e.has(Field::name)) key("name"), put_escaped(s, t.str(e.name));
  if (e.has(Field::page)) key("page"), put_hex(s, e.page);
  if (e.has(Field::pfn)) key("pfn"), put_hex(s, e.pfn);
  if (e.has(Field::order)) key("order"), put_num(s, e.order);
  if (e.has(Field::migratetype)) key("migratetype"), put_num(s, e.migratetype);
  if (e.has(Field::percpu_refill)) key("percpu_refill"), put_num(s, e.percpu_refill);
  if (e.has(Field::cold)) key("cold"), put_num(s, e.cold);
  if (e.has(Field::fallback_order)) key("fallback_order"), put_num(s, e.fallback_order);
  if (e.has(Field::pageblock_order)) key("pageblock_order"), put_num(s, e.pageblock_order);
  if (e.has(Field::fallback_migratetype))
    key("fallback_migratetype"), put_num(s, e.fallback_migratetype);
  if (e.has(Field::fragmenting)) key("fragmenting"), put_num(s, e.fragmenting);
  if (e.has(Field::change_ownership)) key("change_ownership"), put_num(s, e.change_ownership);
  s += '\n';
}

std::string_view next_token(std::string_view& rest) {
  rest = lex::ltrim(rest);
  std::size_t n = 0;
  while (n < rest.size() && !lex::is_space(rest[n])) ++n;
  const std::string_view tok = rest.substr(0, n);
  rest.remove_prefix(n);
  return tok;
}

}  // namespace

void write_native(std::ostream& out, const Trace& t) {
  std::string s;
  s.reserve(1 << 16);
  s += kHeader;
  s += '\n';
  for (const TraceEvent& e : t.events) {
    write_event(s, t, e);
    if (s.size() > (1 << 16) - 512) {
      out << s;
      s.clear();
    }
  }
  out << s;
}

std::string to_native(const Trace& t) {
  std::ostringstream out;
  write_native(out, t);
  return std::move(out).str();
}

namespace {

class NativeParser final : public LineParser {
 public:
  NativeParser(Trace& t, const ReadOptions& opt) : t_(t), opt_(opt), fields_(t) {
    scratch_.reserve(256);
  }

  void parse(std::string_view line, std::uint32_t number, std::vector<TraceEvent>& out) override {
    ++t_.stats.lines;
    std::string_view rest = lex::trim(line);
    if (rest.empty() || rest[0] == '#') {
      ++t_.stats.header_lines;
      return;
    }
    auto bad = [&](std::string_view why) { report_bad_line(t_, opt_, number, why); };
    TraceEvent ev;
    const std::string_view kind = next_token(rest);
    ev.kind = kind_from_name(kind);
    if (ev.kind == EventKind::other && kind != "other") return bad("unknown event kind");
    std::string_view comm;
    if (!lex::parse_u64(next_token(rest), ev.ts_ns) || !lex::parse_int(next_token(rest), ev.cpu) ||
        !lex::parse_int(next_token(rest), ev.pid) || !lex::parse_int(next_token(rest), ev.line) ||
        !unescape(next_token(rest), scratch_, comm))
      return bad("expected <kind> <ts_ns> <cpu> <pid> <src_line> <comm>");
    ev.comm = fields_.intern_comm(comm);
    while (!rest.empty()) {
      const std::string_view tok = next_token(rest);
      if (tok.empty()) break;
      const std::size_t eq = tok.find('=');
      std::string_view value;
      if (eq == std::string_view::npos || !unescape(tok.substr(eq + 1), scratch_, value))
        return bad("expected key=value");
      const std::string_view key = tok.substr(0, eq);
      if (key == "event") {
        ev.event_name = t_.strings.intern(value);
        continue;
      }
      const std::uint64_t unknown = t_.stats.unknown_fields;
      std::string_view glued;
      if (!fields_.field(key, value, ev, glued) || !glued.empty())
        return bad(fields_.error().empty() ? std::string_view("bad value") : fields_.error());
      if (t_.stats.unknown_fields != unknown) return bad("unknown field");
    }
    ++t_.stats.events[static_cast<std::size_t>(ev.kind)];
    out.push_back(ev);
  }

 private:
  Trace& t_;
  const ReadOptions opt_;
  KmemFieldParser fields_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<LineParser> make_native_parser(Trace& t, const ReadOptions& opt) {
  return std::make_unique<NativeParser>(t, opt);
}

}  // namespace allocsim::workloads::trace
