#pragma once
// Writes a run as a trace: an AllocObserver on the object allocator that
// turns each kmalloc/kfree/kmem_cache_alloc/kmem_cache_free into the event the
// kernel's tracepoint would print, kept in a trace::Trace and written in
// allocsim's native format, so a run can be replayed under another allocator
// or machine.
#include <filesystem>

#include "model/alloc_observer.hpp"
#include "model/flavour.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::workloads {

class TraceRecorder final : public model::AllocObserver {
 public:
  TraceRecorder(model::Flavour flavour, double ghz);
  void on_event(const model::AllocEvent& e) override;

  const trace::Trace& trace() const { return trace_; }
  // The native text, written to a temporary file beside `path` and renamed
  // over it, so readers never see half a trace. Throws std::runtime_error.
  void write(const std::filesystem::path& path) const;

 private:
  model::Flavour flavour_;
  double ghz_;
  trace::Trace trace_;
  trace::StrId comm_;
};

}  // namespace allocsim::workloads
