// Hostile YAML (issue 18): recursive aliases, alias bombs, deep nesting,
// huge documents and lines are rejected with a position before anything is
// expanded; messages quote input printably and briefly.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>

#include "config_test_util.hpp"
#include "io/config/yaml_limits.hpp"
#include "io/config/yaml_parse.hpp"
#include "util/printable.hpp"

namespace allocsim::io {
namespace {

using testing::load_error;

std::string message(std::string_view yaml, const std::vector<std::string>& sets = {}) {
  return load_error(yaml, sets).what();
}

// Seven levels of ten aliases each: 10^7 nodes if expanded.
std::string alias_bomb(int levels) {
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= levels; ++i) {
    // Appended piece by piece: GCC 12's -Wrestrict misfires on
    // `"literal" + std::string&&` here.
    const std::string name = std::to_string(i), prev = std::to_string(i - 1);
    yaml.append("a").append(name).append(": &a").append(name).append(" [");
    for (int j = 0; j < 10; ++j) yaml.append(j ? ", *a" : "*a").append(prev);
    yaml.append("]\n");
  }
  return yaml;
}

long max_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(InputLimits, RecursiveAliasesAreErrorsAtTheAlias) {
  const std::string recursive =
      "recursive alias *r: it names a node that contains the alias itself (its anchor is still "
      "open)";
  EXPECT_EQ(message("x: &r [*r]\n"), "t.yaml:1:8: " + recursive);
  EXPECT_EQ(message("x: &r\n  <<: *r\n"), "t.yaml:2:7: " + recursive);  // a merge key
  EXPECT_EQ(message("a: {b: &r {c: [1, {d: *r}]}}\n"), "t.yaml:1:23: " + recursive);
  EXPECT_EQ(message("", {"run.x=&r [*r]"}), "--set run.x: invalid value '&r [*r]': " + recursive);
  // An alias to a finished node is fine (and unknown at run: the key is reported).
  EXPECT_EQ(message("a: &r [1]\nb: *r\n"),
            "t.yaml:1:1: a: unknown key 'a' (expected machine, "
            "kernel, workload or run)");
}

TEST(InputLimits, AliasBombsStopBeforeExpanding) {
  const long before = max_rss_kb();
  EXPECT_EQ(message(alias_bomb(7)),
            "t.yaml:5:30: alias *a3 (11111 nodes) brings what aliases add to 67885 nodes; the "
            "limit is 65536 (an alias bomb?)");
  EXPECT_LT(max_rss_kb() - before, 20 * 1024) << "the bomb cost memory";
  // Repeating a long scalar: counted in bytes.
  std::string text(60000, 'x');
  std::string yaml = "a: &a " + text + "\nb: [";
  for (int i = 0; i < 20; ++i) yaml += "*a, ";
  yaml += "*a]\n";
  EXPECT_EQ(message(yaml),
            "t.yaml:2:73: alias *a (60000 bytes of text) brings what aliases add to 1080000 "
            "bytes; the limit is 1MiB");
}

TEST(InputLimits, NestingDepth) {
  std::string deep(65, '[');
  deep += std::string(65, ']');
  EXPECT_EQ(message("x: " + deep + "\n"), "t.yaml:1:67: collections nested more than 64 deep");
  std::string ok(63, '[');
  ok += std::string(63, ']');
  EXPECT_EQ(message("x: " + ok + "\n"),
            "t.yaml:1:1: x: unknown key 'x' (expected machine, kernel, workload or run)");
}

TEST(InputLimits, DocumentAndLineSize) {
  const std::string line(kMaxYamlLineBytes + 1, 'k');
  EXPECT_EQ(message("machine:\n  name: " + line + "\n"),
            "t.yaml:2: line 2 is 65545 bytes long; the limit is 64KiB (a long flow sequence can "
            "be split over several lines)");
  std::string big;
  while (big.size() <= kMaxYamlBytes) big += "# a comment line of a big document\n";
  EXPECT_EQ(message(big), "t.yaml: the document is 16777250B long; the limit is 16MiB");
}

TEST(InputLimits, AFourMegabyteLineCostsLittle) {
  const long before = max_rss_kb();
  const std::string yaml = "machine:\n  cpu_nodes: [" + std::string(4 << 20, '0') + "]\n";
  EXPECT_EQ(message(yaml),
            "t.yaml:2: line 2 is 4194319 bytes long; the limit is 64KiB (a long flow sequence "
            "can be split over several lines)");
  EXPECT_LT(max_rss_kb() - before, 64 * 1024) << "the long line cost memory";
}

// Found by fuzz_sweep: on these 16 bytes yaml-cpp 0.7 reports null nodes
// without end; the loader stopped only at the node limit (0.5 s, 10 s under
// ASan). No text holds more than two nodes a byte.
TEST(InputLimits, MoreNodesThanTheTextCanHold) {
  const std::string endless(", {\0\0arbu\x8e\0\0\0\0dc", 16);
  EXPECT_EQ(message(endless),
            "t.yaml:1:1: the parser reports more nodes than the text can hold (35 from 16 bytes): "
            "malformed input");
  // The densest real documents stay below it.
  EXPECT_EQ(message("{a,b,c,d,e,f}"),
            "t.yaml:1:2: a: unknown key 'a' (expected machine, kernel, workload or run)");
  EXPECT_EQ(message("[[[[[[]]]]]]"), "t.yaml:1:1: expected a mapping, got a sequence");
}

TEST(Messages, ControlCharactersAndLongKeysAreQuotedSafely) {
  EXPECT_EQ(message("machine:\n  \"bo\\x04gus\\rkey\\x7f\": 1\n"),
            "t.yaml:2:3: machine.bo\\x04gus\\rkey\\x7f: unknown key 'bo\\x04gus\\rkey\\x7f' "
            "(expected name, arch, frequency, cpus, nodes, cpu_nodes, memory, interconnect, "
            "zones, caches, coherence, locks, lock_classes or timing)");
  // A 4 MB key (from --set or Python's overrides, which yaml-cpp never sees):
  // one short line, and the did-you-mean search costs nothing.
  const long before = max_rss_kb();
  const std::string what = message("", {"machine." + std::string(4 << 20, 'k') + "=1"});
  EXPECT_LT(max_rss_kb() - before, 64 * 1024) << "the long key cost memory";
  EXPECT_LE(what.size(), util::kMessageBytes);
  EXPECT_EQ(what.substr(0, 108), "--set machine." + std::string(89, 'k') + "...: ");
  EXPECT_NE(what.find(": unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                      "kkkkkkkkkkkkkkkkk...' (expected name, arch,"),
            std::string::npos)
      << what;
  // Keys in files are cut the same way.
  const std::string key(1000, 'q');
  EXPECT_EQ(message("run: {" + key + ": 1}\n").size(), 305u);
}

TEST(Messages, Printable) {
  EXPECT_EQ(util::printable("a\rb\x7f\x04\n\t"), "a\\rb\\x7f\\x04\\n\\t");
  EXPECT_EQ(util::printable("2\xc2\xb5s"), "2\xc2\xb5s");                // valid UTF-8 stays
  EXPECT_EQ(util::printable("\xc2\x85\xe2\x80\xae"), "\\u0085\\u202e");  // C1, bidi override
  EXPECT_EQ(util::printable("\xff\xc0\x80"), "\\xff\\xc0\\x80");         // invalid, overlong
  EXPECT_EQ(util::printable(std::string(10, 'a'), 10), "aaaaaaaaaa");
  EXPECT_EQ(util::printable(std::string(11, 'a'), 10), "aaaaaaa...");
  EXPECT_EQ(util::printable("abcdefgh\x01", 10), "abcdefg...");  // an escape is never split
  const std::string once = util::printable("x\x1b[31m" + std::string(500, 'y'));
  EXPECT_EQ(util::printable(once), once);
}

}  // namespace
}  // namespace allocsim::io
