// parse_slab_flags: names joined by '|', or a number.
#include <gtest/gtest.h>

#include <stdexcept>

#include "model/slab_flags.hpp"

namespace allocsim::model {
namespace {

TEST(SlabFlags, Names) {
  EXPECT_EQ(parse_slab_flags("SLAB_HWCACHE_ALIGN"), 0x2000u);
  EXPECT_EQ(parse_slab_flags("SLAB_HWCACHE_ALIGN|SLAB_PANIC"), 0x42000u);
  EXPECT_EQ(parse_slab_flags(" SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT "), 0x04020000u);
  EXPECT_EQ(parse_slab_flags("SLAB_DESTROY_BY_RCU"), SLAB_TYPESAFE_BY_RCU);  // 2.6.32 name
  EXPECT_EQ(parse_slab_flags("SLAB_NO_COLOUR"), 0x80000000u);
  EXPECT_EQ(parse_slab_flags(""), 0u);
}

TEST(SlabFlags, Numbers) {
  EXPECT_EQ(parse_slab_flags("0"), 0u);
  EXPECT_EQ(parse_slab_flags("8192"), 0x2000u);
  EXPECT_EQ(parse_slab_flags("0x42000"), 0x42000u);
  EXPECT_EQ(parse_slab_flags("0X2000|SLAB_PANIC"), 0x42000u);
  EXPECT_EQ(parse_slab_flags("0xffffffff"), 0xffffffffu);
}

TEST(SlabFlags, BadTokensAreNamed) {
  for (const char* bad : {"SLAB_HWCACHE", "slab_panic", "SLAB_PANIC||SLAB_ACCOUNT", "0x", "12abc",
                          "0x100000000", "-1", "SLAB_PANIC|"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_slab_flags(bad), std::invalid_argument);
  }
  try {
    parse_slab_flags("SLAB_PANIC | SLAB_BOGUS");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("SLAB_BOGUS"), std::string::npos);
  }
}

}  // namespace
}  // namespace allocsim::model
