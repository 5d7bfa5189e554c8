#include "io/recording/recording_dir.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "io/recording/error.hpp"

namespace allocsim::io::recording {
namespace fs = std::filesystem;

RecordingDir::RecordingDir(std::string final_dir, bool force) {
  fs::path target = fs::path(final_dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "out/" -> "out"
  if (target.empty() || target.filename() == "." || target.filename() == "..")
    throw InputError("-o " + final_dir + ": not a directory name");
  final_ = target.string();
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    throw InputError("-o " + final_dir + ": the directory " + parent.string() + " does not exist");
  if (fs::exists(fs::symlink_status(target, ec))) {
    if (!force) throw InputError(final_ + " exists (use --force to replace it)");
    if (!fs::is_directory(fs::symlink_status(target, ec)))
      throw InputError(final_ + " exists and is not a directory; not replacing it");
    if (!fs::exists(target / kManifestName, ec) && !fs::is_empty(target, ec))
      throw InputError(final_ + " exists and is not an allocsim recording (no " + kManifestName +
                       "); not replacing it");
  }
  // Built by appending (GCC 12 warns, wrongly, about "." + string: -Wrestrict).
  std::string base(".");
  base += target.filename().string();
  base += ".tmp-";
  base += std::to_string(getpid());
  temp_ = (parent / base).string();
  for (int n = 1; fs::exists(fs::symlink_status(temp_, ec)); ++n)
    temp_ = (parent / (base + "-" + std::to_string(n))).string();
  if (::mkdir(temp_.c_str(), 0755) != 0)
    throw InputError("-o " + final_dir + ": cannot create " + temp_ + ": " + std::strerror(errno));
}

RecordingDir::~RecordingDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(temp_, ec);
}

void RecordingDir::commit() {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(final_, ec))) {
    // Swap, then remove what was swapped out: never a moment without a whole DIR.
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) != 0)
      throw std::runtime_error("cannot replace " + final_ + " by " + temp_ + ": " +
                               std::strerror(errno));
    committed_ = true;
    fs::remove_all(temp_, ec);
    return;
  }
  if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_NOREPLACE) != 0)
    throw std::runtime_error("cannot rename " + temp_ + " to " + final_ + ": " +
                             std::strerror(errno));
  committed_ = true;
}

}  // namespace allocsim::io::recording
