#pragma once
// A fresh directory per test (named after the process and the test), removed
// afterwards: the h5 tests write their files there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace allocsim::h5::testing {

class ScratchDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("allocsim_h5_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

}  // namespace allocsim::h5::testing
