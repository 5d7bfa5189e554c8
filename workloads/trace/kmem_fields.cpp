#include "workloads/trace/kmem_fields.hpp"

#include <cstdint>
#include <optional>

#include "workloads/trace/lex.hpp"

namespace allocsim::workloads::trace {
namespace {

// The Field a key names (2.6/6.x spellings), or nothing for a key no kmem event prints.
std::optional<Field> key_of(std::string_view k) {
  switch (k.size()) {
    case 3:
      if (k == "ptr") return Field::ptr;
      if (k == "pfn") return Field::pfn;
      break;
    case 4:
      if (k == "node") return Field::node;
      if (k == "name") return Field::name;
      if (k == "page") return Field::page;
      if (k == "cold") return Field::cold;
      break;
    case 5:
      if (k == "order") return Field::order;
      break;
    case 9:
      if (k == "call_site") return Field::call_site;
      if (k == "bytes_req") return Field::bytes_req;
      if (k == "gfp_flags") return Field::gfp_flags;
      if (k == "accounted") return Field::accounted;
      break;
    case 11:
      if (k == "bytes_alloc") return Field::bytes_alloc;
      if (k == "migratetype") return Field::migratetype;
      if (k == "alloc_order") return Field::order;  // mm_page_alloc_extfrag
      if (k == "fragmenting") return Field::fragmenting;
      break;
    case 13:
      if (k == "percpu_refill") return Field::percpu_refill;
      break;
    case 14:
      if (k == "fallback_order") return Field::fallback_order;
      break;
    case 15:
      if (k == "pageblock_order") return Field::pageblock_order;
      break;
    case 16:
      if (k == "change_ownership") return Field::change_ownership;
      break;
    case 17:
      if (k == "alloc_migratetype") return Field::migratetype;
      break;
    case 20:
      if (k == "fallback_migratetype") return Field::fallback_migratetype;
      break;
    default:
      break;
  }
  return std::nullopt;
}

// %p: raw hex (2.6/3.x), hashed 16 hex digits (4.15+), 0x-prefixed
// (libtraceevent) or "(null)" (vsprintf's NULL before 4.x).
bool parse_pointer(std::string_view v, std::uint64_t& out) {
  if (v == "(null)") {
    out = 0;
    return true;
  }
  return lex::parse_hex(v, out);
}

// A number that may run straight into the next key: the digits are parsed,
// anything after them that looks like "key=..." is handed back in `glued`.
bool parse_glued(std::string_view v, std::uint64_t& out, std::string_view& glued) {
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    v.remove_prefix(2);
    base = 16;
  }
  if (!lex::parse_u64_prefix(v, out, base)) return false;
  if (v.empty()) return true;
  const char c = v[0];
  if (((c >= 'a' && c <= 'z') || c == '_') && v.find('=') != std::string_view::npos) {
    glued = v;
    return true;
  }
  return false;
}

template <class Int>
bool parse_small(std::string_view v, Int& out) {
  std::uint64_t u = 0;
  if (v.size() > 2 && v[0] == '0' && v[1] == 'x') {
    if (!lex::parse_u64(v.substr(2), u, 16)) return false;
    out = static_cast<Int>(u);
    return true;
  }
  return lex::parse_int(v, out);
}

}  // namespace

StrId KmemFieldParser::cached(Cache& c, std::string_view s) {
  for (std::size_t i = 0; i < c.id.size(); ++i)
    if (c.id[i] != 0 && c.text[i] == s) return c.id[i];
  const unsigned slot = c.next++ % c.id.size();
  c.id[slot] = trace_.strings.intern(s);
  c.text[slot] = trace_.strings.view(c.id[slot]);
  return c.id[slot];
}

bool KmemFieldParser::fail(std::string_view key, std::string_view value) {
  error_ = "bad value for ";
  error_ += key;
  error_ += ": '";
  error_ += value;
  error_ += "'";
  return false;
}

bool KmemFieldParser::parse(std::string_view fields, TraceEvent& ev) {
  std::string_view rest = fields;
  bool after_value = false;
  while (true) {
    rest = lex::ltrim(rest);
    if (rest.empty()) break;
    std::size_t sp = 0;
    while (sp < rest.size() && !lex::is_space(rest[sp])) ++sp;
    std::string_view tok = rest.substr(0, sp);
    rest.remove_prefix(sp);
    if (tok[0] == '(' && after_value) {  // options/fields: "0x1000 (4096)"
      after_value = false;
      continue;
    }
    const std::size_t eq = tok.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      error_ = "expected key=value, got '";
      error_ += tok;
      error_ += "'";
      return false;
    }
    const std::string_view key = tok.substr(0, eq);
    std::string_view value = tok.substr(eq + 1);
    if (value.empty()) {  // "ptr=  (null)", "page= (null)"
      const std::string_view after = lex::ltrim(rest);
      sp = 0;
      while (sp < after.size() && !lex::is_space(after[sp])) ++sp;
      if (sp == 0 || after[0] != '(') {  // "bytes_alloc= gfp_flags=...": this field is empty
        error_ = "empty value for ";
        error_ += key;
        return false;
      }
      value = after.substr(0, sp);
      rest = after.substr(sp);
    }
    std::string_view glued;
    if (!field(key, value, ev, glued)) return false;
    after_value = true;
    while (!glued.empty()) {
      ++trace_.stats.glued_fields;
      const std::size_t geq = glued.find('=');
      std::string_view next;
      if (!field(glued.substr(0, geq), glued.substr(geq + 1), ev, next)) return false;
      glued = next;
    }
  }
  return true;
}

bool KmemFieldParser::field(std::string_view key, std::string_view v, TraceEvent& ev,
                            std::string_view& glued) {
  const std::optional<Field> k = key_of(key);
  if (!k) {  // e.g. nr_free= of a patched kernel
    ++trace_.stats.unknown_fields;
    return true;
  }
  bool ok = true;
  switch (*k) {
    case Field::call_site:
      // %lx (2.6/3.x), 0x%lx (perf, options/fields) or %pS "sym+0xoff/0xlen".
      if (lex::parse_hex(v, ev.call_site)) {
        ev.call_site_sym = 0;
      } else {
        ev.call_site = 0;
        ev.call_site_sym = cached(site_, v);
      }
      break;
    case Field::ptr:
      ok = parse_pointer(v, ev.ptr);
      break;
    case Field::page:
      ok = parse_pointer(v, ev.page);
      break;
    case Field::bytes_req:
      ok = parse_glued(v, ev.bytes_req, glued);
      break;
    case Field::bytes_alloc:
      ok = parse_glued(v, ev.bytes_alloc, glued);
      break;
    case Field::pfn:
      ok = parse_glued(v, ev.pfn, glued);
      break;
    case Field::gfp_flags:
      ev.gfp_text = intern_gfp(v);
      ev.gfp_numeric = lex::parse_hex(v, ev.gfp_value) && v.size() > 2 && v[1] == 'x';
      if (!ev.gfp_numeric) ev.gfp_value = 0;
      break;
    case Field::node:
      if (v.size() > 2 && v[1] == 'x') {  // options/fields: node=0xffffffff (-1)
        std::uint64_t u = 0;
        ok = lex::parse_u64(v.substr(2), u, 16);
        ev.node = static_cast<std::int32_t>(static_cast<std::uint32_t>(u));
      } else {
        ok = lex::parse_int(v, ev.node);
      }
      break;
    case Field::accounted:
      if (v == "true" || v == "1" || v == "(1)") {
        ev.accounted = true;
      } else if (v == "false" || v == "0" || v == "(0)") {
        ev.accounted = false;
      } else {
        ok = false;
      }
      break;
    case Field::name:
      ev.name = cached(name_, v);
      break;
    case Field::order:
      ok = parse_small(v, ev.order);
      break;
    case Field::migratetype:
      ok = parse_small(v, ev.migratetype);
      break;
    case Field::fallback_order:
      ok = parse_small(v, ev.fallback_order);
      break;
    case Field::pageblock_order:
      ok = parse_small(v, ev.pageblock_order);
      break;
    case Field::fallback_migratetype:
      ok = parse_small(v, ev.fallback_migratetype);
      break;
    case Field::percpu_refill:
      ok = parse_small(v, ev.percpu_refill);
      break;
    case Field::cold:
      ok = parse_small(v, ev.cold);
      break;
    case Field::fragmenting:
      ok = parse_small(v, ev.fragmenting);
      break;
    case Field::change_ownership:
      ok = parse_small(v, ev.change_ownership);
      break;
  }
  if (!ok) return fail(key, v);
  ev.fields |= bit(*k);
  return true;
}

}  // namespace allocsim::workloads::trace
