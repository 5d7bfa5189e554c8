#pragma once
// Trace readers: kernel kmem traces (raw ftrace, trace-cmd report, perf
// script), user-space malloc traces (wee_alloc, CS:APP malloc lab .rep) and
// allocsim's native format, with a format detector. Parsing only: replaying
// the events against a model is a separate step.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "workloads/trace/line_parser.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

// The format of a trace from its first lines (a few KiB are plenty).
Format detect_format(std::string_view first_lines);

// Parses a whole file's text; `file` names it in messages. Throws TraceError
// ("file:line: message") on a malformed line unless opt.skip_bad_lines.
Trace parse_trace(std::string_view text, Format format, std::string file,
                  const ReadOptions& opt = {});
// Reads and parses a file, detecting its format.
Trace read_trace_file(const std::filesystem::path& path, const ReadOptions& opt = {});

// The line parsers behind parse_trace and TraceStream (make_line_parser picks
// one by t.format). ftrace, trace_cmd and perf share one parser (t.format
// picks the header lines it skips).
std::unique_ptr<LineParser> make_kernel_text_parser(Trace& t, const ReadOptions& opt);
std::unique_ptr<LineParser> make_wee_alloc_parser(Trace& t, const ReadOptions& opt);
std::unique_ptr<LineParser> make_malloc_lab_parser(Trace& t, const ReadOptions& opt);
std::unique_ptr<LineParser> make_native_parser(Trace& t, const ReadOptions& opt);

}  // namespace allocsim::workloads::trace
