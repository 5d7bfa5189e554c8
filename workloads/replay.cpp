#include "workloads/replay.hpp"

#include "workloads/replay/replayer.hpp"

namespace allocsim::workloads {

namespace {

struct TableSink final : ReplayRowSink {
  explicit TableSink(std::vector<ReplayRow>& rows) : rows(rows) {}
  void row(const ReplayRow& r) override {
    rows.push_back(r);
    rows.back().call_site = {};  // its text lives only while row() runs
  }
  std::vector<ReplayRow>& rows;
};

}  // namespace

ReplayResult replay(trace::EventSource& source, model::Kernel& kernel, const ReplayOptions& opt) {
  return replaying::Replayer(source, kernel, opt).run();
}

ReplayResult replay(const trace::Trace& t, model::Kernel& kernel, const ReplayOptions& opt) {
  trace::TraceEvents source(t);
  if (opt.rows) return replay(source, kernel, opt);
  std::vector<ReplayRow> rows;
  TableSink sink(rows);
  ReplayOptions with_rows = opt;
  with_rows.rows = &sink;
  ReplayResult r = replay(source, kernel, with_rows);
  r.table = std::move(rows);
  return r;
}

}  // namespace allocsim::workloads
