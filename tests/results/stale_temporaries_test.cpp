// A SIGKILLed run or sweep leaves ".OUT.h5.tmp-PID" behind; the next one to
// write that output (or any sweep, in its part directory) removes the files
// whose process is dead, and never a live process's.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/results/atomic_output.hpp"

namespace allocsim::io {
namespace {

namespace fs = std::filesystem;

// A PID that no process has now: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

void touch(const fs::path& p) {
  std::ofstream(p) << "partial";
}

TEST(StaleTemporaries, OnlyDeadProcessesFilesGo) {
  const fs::path dir = fs::temp_directory_path() / ("allocsim-stale-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string dead = std::to_string(dead_pid()), self = std::to_string(getpid());
  for (const std::string& name : std::vector<std::string>{
           ".out.h5.tmp-" + dead, ".out.h5.tmp-" + dead + "-3", ".out.h5.tmp-" + self,
           ".out.h5.tmp-1", ".out.h5.tmp-x" + dead, ".other.h5.tmp-" + dead, "out.h5.tmp-" + dead})
    touch(dir / name);

  EXPECT_EQ(remove_stale_temporaries(dir, "out.h5"), 2u);
  EXPECT_FALSE(fs::exists(dir / (".out.h5.tmp-" + dead)));
  EXPECT_FALSE(fs::exists(dir / (".out.h5.tmp-" + dead + "-3")));
  EXPECT_TRUE(fs::exists(dir / (".out.h5.tmp-" + self)));    // this process: alive
  EXPECT_TRUE(fs::exists(dir / ".out.h5.tmp-1"));            // init: alive
  EXPECT_TRUE(fs::exists(dir / (".out.h5.tmp-x" + dead)));   // not a temporary's name
  EXPECT_TRUE(fs::exists(dir / ("out.h5.tmp-" + dead)));     // not hidden: not ours
  EXPECT_TRUE(fs::exists(dir / (".other.h5.tmp-" + dead)));  // another output's

  // Opening an output removes its own stale temporaries; a sweep's part
  // directory loses every dead one.
  touch(dir / (".other.h5.tmp-" + dead + "-1"));
  {
    AtomicOutput out((dir / "other.h5").string(), true);
    EXPECT_FALSE(fs::exists(dir / (".other.h5.tmp-" + dead)));
    EXPECT_FALSE(fs::exists(dir / (".other.h5.tmp-" + dead + "-1")));
    EXPECT_TRUE(fs::exists(out.temp_path()));
    EXPECT_EQ(remove_stale_temporaries(dir), 0u);  // its own temporary is alive
  }
  touch(dir / (".point-7.h5.tmp-" + dead));
  EXPECT_EQ(remove_stale_temporaries(dir), 1u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace allocsim::io
