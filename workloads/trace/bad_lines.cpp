#include "workloads/trace/bad_lines.hpp"

#include <string>

#include "util/printable.hpp"

namespace allocsim::workloads::trace {

void report_bad_line(Trace& t, const ReadOptions& opt, std::uint32_t line,
                     std::string_view message) {
  // The message may quote the line: printable keeps it one short, safe line.
  std::string text = util::printable(t.file, util::kMessageBytes / 4);
  text.append(":").append(std::to_string(line)).append(": ");
  text.append(util::printable(message, util::kMessageBytes));
  if (!opt.skip_bad_lines) throw TraceError(text);
  ++t.stats.bad_lines;
  if (t.stats.messages.size() < opt.kept_messages) t.stats.messages.push_back(std::move(text));
}

}  // namespace allocsim::workloads::trace
