#pragma once
// allocsim's native trace text: one event a line, every TraceEvent field kept
// (docs/workloads-trace-format.md).
//
//   # allocsim-trace 1
//   <kind> <ts_ns> <cpu> <pid> <src_line> <comm> [<key>=<value> ...]
//
// <kind> is the tracepoint name (kmalloc, mm_page_alloc, ...) or "other" with
// an event=<name> field. <comm> is "-" when empty. Only the fields present are
// written, in Field order, with the kernel's key names: call_site=0x<hex> or
// call_site=<sym+0xoff/0xlen>, ptr/page=0x<hex>, bytes_req/bytes_alloc/node/
// order/... decimal, pfn=0x<hex>, gfp_flags=<text as traced>, accounted=true|
// false, name=<cache>. Strings escape '%', blanks, '=' and control bytes as %XX.
#include <ostream>
#include <string>

#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

void write_native(std::ostream& out, const Trace& t);
std::string to_native(const Trace& t);

}  // namespace allocsim::workloads::trace
