#include "workloads/trace/bad_lines.hpp"

#include <string>

namespace allocsim::workloads::trace {

void report_bad_line(Trace& t, const ReadOptions& opt, std::uint32_t line,
                     std::string_view message) {
  std::string text = t.file + ":" + std::to_string(line) + ": " + std::string(message);
  if (!opt.skip_bad_lines) throw TraceError(text);
  ++t.stats.bad_lines;
  if (t.stats.messages.size() < opt.kept_messages) t.stats.messages.push_back(std::move(text));
}

}  // namespace allocsim::workloads::trace
