// allocsim record: a recording of the live kernel's allocator events while a
// command runs, with the machine state before and after (io/recording/,
// docs/recording.md).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <iostream>

#include "cli/commands.hpp"
#include "io/config/units.hpp"
#include "io/recording/error.hpp"
#include "io/recording/record.hpp"
#include "io/recording/signals.hpp"

namespace allocsim::cli {
namespace {

constexpr const char* kUsage =
    "usage: allocsim record -o DIR [options] -- COMMAND [ARGS...]\n"
    "       allocsim record -o DIR [options] --duration TIME\n";

constexpr const char* kAbout = R"(
Records the kernel's page and object allocator events (kmem and vmalloc
tracepoints) while COMMAND runs, or on the whole machine for TIME, into the
directory DIR: the trace (trace.txt, raw ftrace text), /proc and /sys
snapshots just before and after (before/, after/), a machine config of this
machine (machine.yaml) and a manifest (recording.yaml). See docs/recording.md.

Needs root. Uses a private tracefs instance (instances/allocsim-PID) with the
`mono` clock; the global tracing state is never touched and the instance is
removed at the end, also when COMMAND fails or on Ctrl-C. COMMAND's output
passes through; its failure still gives a complete recording, with exit code 1.
A recording that lost events is not written: the message names a
--buffer-size that would have held every event.
)";

// "5s", "500ms", "2min": nanoseconds; a unit is required.
std::uint64_t parse_duration(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), ::tolower);
  std::uint64_t scale = 1;
  if (t.size() > 3 && t.substr(t.size() - 3) == "min") {
    t = t.substr(0, t.size() - 3) + "s";
    scale = 60;
  }
  const bool unit = !t.empty() && std::isalpha(static_cast<unsigned char>(t.back())) &&
                    t.find("cycle") == std::string::npos;
  std::uint64_t ns = 0;
  try {
    if (unit) ns = io::parse_time(t, 1.0) * scale;  // cycles at 1 GHz are nanoseconds
  } catch (const std::invalid_argument&) {
  }
  if (!unit || ns == 0)
    throw UsageError("--duration " + text +
                     ": expected a time above 0 with a unit (5s, 500ms, 2min)");
  return ns;
}

}  // namespace

int record_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const std::vector<std::string> own(args.begin(), dashes);
  io::recording::RecordOptions opt;
  if (dashes != args.end()) opt.command.assign(dashes + 1, args.end());
  std::vector<std::string> events, positional;
  std::string buffer_size, duration;
  po::options_description desc("record options");
  desc.add_options()("output,o", po::value(&opt.out_dir)->value_name("DIR"),
                     "the recording directory (required)")(
      "events", po::value(&events)->composing()->value_name("LIST"),
      "events to record instead of the default ones: SYSTEM/EVENT or EVENT, comma-separated "
      "(repeatable)")("buffer-size", po::value(&buffer_size)->value_name("SIZE"),
                      "ring buffer per CPU (default: 256MiB, less when memory is short)")(
      "stacktrace", "a kernel stack trace with every event")(
      "hash-pointers", "print pointers hashed (%p) instead of as raw addresses")(
      "duration", po::value(&duration)->value_name("TIME"),
      "record the whole machine for this long (no COMMAND)")(
      "force", "replace an existing recording DIR")("help,h", "show this help");
  po::positional_options_description pos;
  pos.add("positional", -1);
  po::options_description hidden;
  hidden.add_options()("positional", po::value(&positional));
  po::options_description all;
  all.add(desc).add(hidden);
  po::variables_map vm;
  po::store(po::command_line_parser(own).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << kUsage << kAbout << "\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (!positional.empty())
    throw UsageError("the command goes after '--': allocsim record -o DIR -- " + positional[0] +
                     " ...");
  if (opt.out_dir.empty()) throw UsageError("-o DIR is required");
  if (dashes != args.end() && opt.command.empty()) throw UsageError("no COMMAND after '--'");
  if (opt.command.empty() == duration.empty())
    throw UsageError(opt.command.empty() ? "give a COMMAND after '--' or --duration TIME"
                                         : "--duration and a COMMAND exclude each other");
  if (!duration.empty()) opt.duration_ns = parse_duration(duration);
  if (!buffer_size.empty()) {
    std::uint64_t bytes = 0;
    try {
      bytes = io::parse_size(buffer_size);
    } catch (const std::invalid_argument& e) {
      throw UsageError("--buffer-size " + buffer_size + ": " + e.what());
    }
    if (bytes < 1024) throw UsageError("--buffer-size " + buffer_size + ": at least 1KiB");
    opt.buffer_kb = (bytes + 1023) / 1024;
  }
  for (const std::string& list : events) {
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      opt.events.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  opt.force = vm.count("force") > 0;
  opt.stacktrace = vm.count("stacktrace") > 0;
  opt.hash_pointers = vm.count("hash-pointers") > 0;
  opt.command_line = {"allocsim", "record"};
  opt.command_line.insert(opt.command_line.end(), args.begin(), args.end());
  io::recording::RecordResult result;
  try {
    result = io::recording::record(opt);
  } catch (const io::recording::InputError& e) {
    throw UsageError(e.what());
  }
  if (result.signal) io::recording::reraise(result.signal);
  return result.exit_code;
}

}  // namespace allocsim::cli
