#pragma once
// The "key=value ..." part of a kmem event line, in every rendering met in
// practice: the kernel's TP_printk (include/trace/events/kmem.h, 2.6.32 to
// 6.x), libtraceevent's (`trace-cmd report`, `perf script`: 0x pointers, hex
// gfp_flags, `sym+0xoff` call sites) and tracefs options/fields (`0x1000
// (4096)`: the parenthesised decimal is skipped).
#include <array>
#include <string>
#include <string_view>

#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

class KmemFieldParser {
 public:
  explicit KmemFieldParser(Trace& t) : trace_(t) {}

  // Fills `ev` (whose kind is set) from `fields`. On a malformed value returns
  // false with the reason in error().
  bool parse(std::string_view fields, TraceEvent& ev);
  const std::string& error() const { return error_; }
  // One key=value into `ev`; `glued` receives the text after a number that
  // runs into the next key ("bytes_req=56bytes_alloc=64"). An unknown key is
  // counted in stats.unknown_fields and ignored.
  bool field(std::string_view key, std::string_view value, TraceEvent& ev, std::string_view& glued);

  // Interning through a small cache: nearby lines mostly repeat the comm and
  // the gfp_flags text.
  StrId intern_comm(std::string_view s) { return cached(comm_, s); }
  StrId intern_gfp(std::string_view s) { return cached(gfp_, s); }

 private:
  // The last few strings interned for one field, compared before hashing.
  struct Cache {
    std::array<std::string_view, 4> text{};  // views into the pool, stable
    std::array<StrId, 4> id{};
    unsigned next = 0;
  };
  StrId cached(Cache& c, std::string_view s);
  bool fail(std::string_view key, std::string_view value);

  Trace& trace_;
  Cache comm_, gfp_, name_, site_;
  std::string error_;
};

}  // namespace allocsim::workloads::trace
