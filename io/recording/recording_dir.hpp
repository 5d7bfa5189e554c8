#pragma once
// A recording directory appears whole or not at all: it is built in a hidden
// sibling, ".NAME.tmp-PID", and renamed into place at the end (exchanged
// atomically with the one it replaces under --force). A recording that fails
// or is interrupted removes the sibling; after SIGKILL it may remain, never a
// directory under the final name.
#include <string>

namespace allocsim::io::recording {

// The file whose presence marks a complete recording (written last).
inline constexpr const char* kManifestName = "recording.yaml";

class RecordingDir {
 public:
  // Checks the target (its parent exists; it does not, or with `force` it is
  // an earlier recording or empty) and creates the sibling. Throws InputError.
  RecordingDir(std::string final_dir, bool force);
  ~RecordingDir();  // removes the sibling unless committed
  RecordingDir(const RecordingDir&) = delete;
  RecordingDir& operator=(const RecordingDir&) = delete;

  const std::string& temp() const { return temp_; }
  const std::string& final_dir() const { return final_; }
  std::string file(const std::string& name) const { return temp_ + "/" + name; }
  // Renames the sibling into place; the replaced recording is removed.
  void commit();

 private:
  std::string final_, temp_;
  bool committed_ = false;
};

}  // namespace allocsim::io::recording
