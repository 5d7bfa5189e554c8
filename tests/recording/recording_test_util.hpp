#pragma once
// Fake /proc, /sys and tracefs trees for the recording tests, in a temporary
// directory removed at the end of the test.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace allocsim::io::recording::testing {

class TempTree {
 public:
  TempTree() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "allocsim-rec-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  std::string path(const std::string& rel = "") const { return (root_ / rel).string(); }
  // Writes `text` to `rel`, creating the directories on the way.
  void write(const std::string& rel, const std::string& text) const {
    const std::filesystem::path p = root_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  void mkdir(const std::string& rel) const { std::filesystem::create_directories(root_ / rel); }
  void symlink(const std::string& target, const std::string& rel) const {
    std::filesystem::create_directory_symlink(target, root_ / rel);
  }

 private:
  std::filesystem::path root_;
};

inline std::string source_path(const std::string& rel) {
  return std::string(ALLOCSIM_SOURCE_DIR) + "/" + rel;
}

}  // namespace allocsim::io::recording::testing
