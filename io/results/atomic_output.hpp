#pragma once
// Results files appear whole or not at all: they are written to a temporary
// file in the target's directory and renamed into place at the end. The
// temporary file is created at once, so an unwritable target fails before
// any simulation; an existing target is kept unless `force`. SIGINT and
// SIGTERM remove pending temporary files; SIGKILL leaves one behind, under a
// hidden name (".NAME.tmp-PID"), never under the final name.
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace allocsim::io {

// An output that cannot be written (bad input: exit code 2).
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Removes the temporary files that dead processes left behind: every
// ".NAME.tmp-PID" (or ".NAME.tmp-PID-N") in `dir` whose PID is not a live
// process here. With `name`, only NAME's. A live process's file stays, and
// so does one whose PID cannot be told apart from a live one (kill(PID, 0)
// answers EPERM). Returns how many files it removed.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir,
                                     const std::string& name = "");
// A note that SIGINT and SIGTERM print on standard error, after removing the
// temporary files and before the process dies (how to resume an interrupted
// sweep); "" for none. At most 4 KiB are kept.
void set_interrupt_note(const std::string& note);

class AtomicOutput {
 public:
  // Removes the target's stale temporaries (remove_stale_temporaries) first.
  AtomicOutput(std::string final_path, bool force);
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();  // removes the temporary file unless committed

  const std::string& temp_path() const { return temp_; }
  const std::string& final_path() const { return final_; }
  void commit();  // renames the temporary file into place

 private:
  std::string final_;
  std::string temp_;
  int slot_ = -1;  // in the signal handler's table
  bool committed_ = false;
};

}  // namespace allocsim::io
