// tracefs helpers that need no kernel: the mount table, event names against a
// fake events/ directory, instance names.
#include "io/recording/tracefs.hpp"

#include <gtest/gtest.h>

#include "io/recording/error.hpp"
#include "recording_test_util.hpp"

namespace allocsim::io::recording {
namespace {

using testing::TempTree;

void fake_events(const TempTree& t, bool vmalloc) {
  for (const char* e : {"kmem/kmalloc", "kmem/kfree", "kmem/kmem_cache_alloc",
                        "kmem/kmem_cache_free", "kmem/mm_page_alloc", "kmem/mm_page_free",
                        "sched/sched_switch", "xfs/kfree", "kmem/rss_stat"})
    t.write(std::string("events/") + e + "/enable", "0\n");
  if (vmalloc)
    for (const char* e : {"vmalloc/alloc_vmap_area", "vmalloc/purge_vmap_area_lazy"})
      t.write(std::string("events/") + e + "/enable", "0\n");
}

TEST(Tracefs, MountTable) {
  const std::string mounts =
      "sysfs /sys sysfs rw,nosuid 0 0\n"
      "tracefs /sys/kernel/debug/tracing tracefs rw 0 0\n"
      "nodev /sys/kernel/tracing tracefs rw,relatime 0 0\n";
  EXPECT_TRUE(tracefs_mounted_at(mounts, "/sys/kernel/tracing"));
  EXPECT_TRUE(tracefs_mounted_at(mounts, "/sys/kernel/debug/tracing"));
  EXPECT_FALSE(tracefs_mounted_at(mounts, "/sys"));
  EXPECT_FALSE(
      tracefs_mounted_at("debugfs /sys/kernel/tracing debugfs rw 0 0\n", "/sys/kernel/tracing"));
}

TEST(Tracefs, DefaultEventsAreThoseTheKernelHas) {
  TempTree with, without;
  fake_events(with, true);
  fake_events(without, false);
  const std::vector<EventId> a = default_events(with.path("events"));
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a.front().full(), "kmem/kmalloc");
  EXPECT_EQ(a[6].full(), "vmalloc/alloc_vmap_area");
  EXPECT_EQ(a.back().full(), "vmalloc/purge_vmap_area_lazy");
  EXPECT_EQ(default_events(without.path("events")).size(), 6u);
}

TEST(Tracefs, ResolvesEventNames) {
  TempTree t;
  fake_events(t, true);
  const std::string dir = t.path("events");
  const std::vector<EventId> e =
      resolve_events(dir, {"kmem/kmalloc", "kmem:kmem_cache_free", "sched_switch", "kmalloc"});
  ASSERT_EQ(e.size(), 3u);  // kmalloc once
  EXPECT_EQ(e[0].full(), "kmem/kmalloc");
  EXPECT_EQ(e[1].full(), "kmem/kmem_cache_free");
  EXPECT_EQ(e[2].full(), "sched/sched_switch");
}

TEST(Tracefs, UnknownAndAmbiguousNamesAreInputErrors) {
  TempTree t;
  fake_events(t, true);
  const std::string dir = t.path("events");
  try {
    resolve_events(dir, {"kmem/kmaloc"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--events: unknown event 'kmem/kmaloc' (did you mean "
              "'kmem/kmalloc'?); see " +
                  t.path("available_events"));
  }
  EXPECT_THROW(resolve_events(dir, {"nope"}), InputError);
  EXPECT_THROW(resolve_events(dir, {"kmem/"}), InputError);
  EXPECT_THROW(resolve_events(dir, {""}), InputError);
  try {
    resolve_events(dir, {"kfree"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--events: 'kfree' is an event of several systems "
              "(kmem/kfree or xfs/kfree); name one as SYSTEM/EVENT");
  }
}

TEST(Tracefs, InstanceNames) {
  EXPECT_EQ(instance_name(1234), "allocsim-1234");
}

}  // namespace
}  // namespace allocsim::io::recording
