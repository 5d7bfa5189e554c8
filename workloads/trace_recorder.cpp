#include "workloads/trace_recorder.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

#include "workloads/trace/native_format.hpp"

namespace allocsim::workloads {

using trace::bit;
using trace::EventKind;
using trace::Field;

TraceRecorder::TraceRecorder(model::Flavour flavour, double ghz) : flavour_(flavour), ghz_(ghz) {
  trace_.file = "allocsim";
  trace_.format = trace::Format::native;
  comm_ = trace_.strings.intern("allocsim");
}

void TraceRecorder::on_event(const model::AllocEvent& e) {
  trace::TraceEvent t;
  t.ts_ns = static_cast<std::uint64_t>(static_cast<double>(e.time) / ghz_);
  t.cpu = static_cast<std::int16_t>(e.cpu);
  t.pid = 0;
  t.comm = comm_;
  t.line = static_cast<std::uint32_t>(trace_.events.size() + 2);  // after the header line
  t.ptr = e.ptr;
  t.fields = bit(Field::call_site) | bit(Field::ptr);
  switch (e.kind) {
    case model::AllocEvent::Kind::kmalloc:
    case model::AllocEvent::Kind::kmem_cache_alloc:
      t.kind = e.kind == model::AllocEvent::Kind::kmalloc ? EventKind::kmalloc
                                                          : EventKind::kmem_cache_alloc;
      t.bytes_req = e.bytes_req;
      t.bytes_alloc = e.bytes_alloc;
      t.gfp_text = trace_.strings.intern(model::format_gfp(flavour_, e.gfp));
      t.node = e.node;
      t.fields |= bit(Field::bytes_req) | bit(Field::bytes_alloc) | bit(Field::gfp_flags) |
                  bit(Field::node);
      break;
    case model::AllocEvent::Kind::kfree:
      t.kind = EventKind::kfree;
      break;
    case model::AllocEvent::Kind::kmem_cache_free:
      t.kind = EventKind::kmem_cache_free;
      t.name = trace_.strings.intern(e.cache);
      t.fields |= bit(Field::name);
      break;
  }
  // A call site per cache (kmalloc: 0), so replay makes one cache per cache.
  if (!e.cache.empty()) t.call_site_sym = trace_.strings.intern(e.cache);
  ++trace_.stats.events[static_cast<std::size_t>(t.kind)];
  ++trace_.stats.lines;
  trace_.events.push_back(t);
}

void TraceRecorder::write(const std::filesystem::path& path) const {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write trace '" + tmp.string() + "'");
    trace::write_native(out, trace_);
    if (!out.flush()) throw std::runtime_error("cannot write trace '" + tmp.string() + "'");
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace allocsim::workloads
