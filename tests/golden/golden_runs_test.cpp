// Golden results: every shipped config and workload under each flavour and
// object allocator (bounded in simulated time), the embedded default at full
// length, the trace replays of tests/data and the hardware exercise. Each
// case's results (summary, counters, timeseries, latency, tables, /proc) are
// reduced to digests and compared with tests/golden/runs.txt, so a refactor
// that changes any result, however slightly, fails here.
//
// A deliberate change of results: regenerate with
//   ALLOCSIM_UPDATE_GOLDEN=1 build/tests/golden_tests
// and say in the commit why the results changed.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "io/config/error.hpp"
#include "io/run/execute.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::io {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = ALLOCSIM_SOURCE_DIR;
const fs::path kGolden = kSource / "tests/golden/runs.txt";

// FNV-1a over a canonical byte stream.
struct Digest {
  std::uint64_t h = 0xcbf29ce484222325ull;
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  }
  void u64(std::uint64_t v) { bytes(&v, sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
};

// Columns in name order, so a reordering alone is not a change of results.
void digest_table(Digest& d, const h5::Table& t) {
  std::vector<const h5::Column*> cols;
  for (const h5::Column& c : t.columns()) cols.push_back(&c);
  std::sort(cols.begin(), cols.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const h5::Column* c : cols) {
    d.str(c->name);
    d.u64(static_cast<std::uint64_t>(c->type));
    d.str(c->unit);
    for (std::uint64_t v : c->u) d.u64(v);
    for (std::int64_t v : c->i) d.u64(static_cast<std::uint64_t>(v));
    for (double v : c->f) d.u64(std::bit_cast<std::uint64_t>(v));
    for (const std::string& v : c->s) d.str(v);
  }
}

std::string hex(std::uint64_t v) {
  std::ostringstream o;
  o << std::hex << v;
  return o.str();
}

std::string digest_named(const std::vector<std::pair<std::string, h5::Table>>& tables) {
  std::vector<const std::pair<std::string, h5::Table>*> sorted;
  for (const auto& p : tables) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  Digest d;
  for (const auto* p : sorted) {
    d.str(p->first);
    digest_table(d, p->second);
  }
  return hex(d.h);
}

template <class F>
std::string digest_of(F&& f) {
  Digest d;
  f(d);
  return hex(d.h);
}

std::string summary_value(const h5::Table& s, const std::string& name) {
  const h5::Column* c = s.find(name);
  if (!c) return "-";
  if (!c->u.empty()) return std::to_string(c->u[0]);
  return "-";
}

struct Case {
  std::vector<std::string> files;
  std::vector<std::string> sets;
  std::string key() const {
    std::string k;
    for (const std::string& f : files) k += (k.empty() ? "" : " ") + f;
    if (files.empty()) k = "(default)";
    for (const std::string& s : sets) k += " " + s;
    return k;
  }
};

std::vector<std::string> shipped(const char* folder) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kSource / folder))
    if (e.path().extension() == ".yaml")
      out.push_back(std::string(folder) + "/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  const char* flavours[] = {"linux-2.6", "linux-6"};
  const char* slabs[] = {"slab", "slub", "slob"};
  std::vector<std::string> files = shipped("configs");
  for (const std::string& w : shipped("workloads")) files.push_back(w);
  for (const std::string& f : files)
    for (const char* fl : flavours)
      for (const char* s : slabs)
        out.push_back({{f},
                       {std::string("kernel.flavour=") + fl, std::string("kernel.slab=") + s,
                        "workload.generator.duration=200us"}});
  // linux-6.18 has only SLUB: one case per file, sheaves as 6.18 has them.
  for (const std::string& f : files)
    out.push_back(
        {{f},
         {"kernel.flavour=linux-6.18", "kernel.slab=slub", "workload.generator.duration=200us"}});
  // The embedded default at full length: the end of a run (every pending free) too.
  for (const char* fl : flavours)
    for (const char* s : slabs)
      out.push_back({{},
                     {std::string("kernel.flavour=") + fl, std::string("kernel.slab=") + s,
                      "run.events=400", "run.event_every=7"}});
  for (const char* sheaves : {"none", "opt-in", "all"})
    out.push_back({{},
                   {"kernel.flavour=linux-6.18", std::string("kernel.slub_sheaves=") + sheaves,
                    "run.events=400", "run.event_every=7"}});
  // The magazine design (a research design, not Linux's) under every flavour,
  // with M by object size and with a fixed M, and in the hardware exercise.
  for (const char* fl : {"linux-2.6", "linux-6", "linux-6.18"})
    out.push_back({{},
                   {std::string("kernel.flavour=") + fl, "kernel.slab=magazine", "run.events=400",
                    "run.event_every=7"}});
  out.push_back({{},
                 {"kernel.slab=magazine", "kernel.magazine_rounds=3", "run.events=400",
                  "run.event_every=7"}});
  out.push_back({{},
                 {"workload.kind=exercise", "workload.exercise.ops_per_cpu=2000",
                  "workload.exercise.patterns=[false_sharing, padded, random_read, page_churn, "
                  "kmalloc_churn, slab_colour]",
                  "kernel.slab=magazine"}});
  for (const char* t :
       {"raw-2.6.32.ftrace.txt", "raw-3.x-flags.ftrace.txt", "raw-6.x-pS.ftrace.txt",
        "trace-cmd-report-6.x.txt", "perf-script-callchains.txt", "small.rep", "small.trace"})
    for (const char* s : slabs)
      out.push_back({{},
                     {std::string("workload.trace=tests/data/traces/") + t,
                      std::string("kernel.slab=") + s}});
  for (const char* s : slabs)
    out.push_back({{},
                   {"workload.kind=exercise", "workload.exercise.ops_per_cpu=2000",
                    "workload.exercise.patterns=[false_sharing, padded, random_read, page_churn, "
                    "kmalloc_churn, slab_colour]",
                    std::string("kernel.slab=") + s}});
  return out;
}

// One case's results as "key=value" digests, or "error: ..." for bad input.
std::string run_case(const Case& c) {
  const fs::path cwd = fs::current_path();
  fs::current_path(kSource);  // paths in cases are relative to the source tree
  std::string line;
  try {
    std::vector<std::string> files;
    for (const std::string& f : c.files) files.push_back((kSource / f).string());
    const RunOutcome o = execute(load_config(files, c.sets));
    const RunResults& r = o.results;
    line = "fingerprint=" + summary_value(r.summary, "fingerprint") +
           " elapsed=" + std::to_string(o.elapsed) +
           " summary=" + digest_of([&](Digest& d) { digest_table(d, r.summary); }) +
           " counters=" + digest_of([&](Digest& d) { digest_table(d, r.counters); }) +
           " timeseries=" + digest_named(r.timeseries) + " latency=" + digest_named(r.latency) +
           " tables=" + digest_named(r.tables) + " proc=" + digest_of([&](Digest& d) {
             for (const auto& [name, text] : r.proc) {
               d.str(name);
               d.str(text);
             }
           }) +
           " events=" + digest_of([&](Digest& d) { digest_table(d, r.events); });
  } catch (const ConfigError& e) {
    line = std::string("error: ") + e.what();
  } catch (const workloads::trace::TraceError& e) {
    line = std::string("error: ") + e.what();
  }
  fs::current_path(cwd);
  // Absolute paths in messages would tie the golden file to one checkout.
  for (std::size_t p; (p = line.find(kSource.string() + "/")) != std::string::npos;)
    line.erase(p, kSource.string().size() + 1);
  return line;
}

std::map<std::string, std::string> read_golden() {
  std::map<std::string, std::string> out;
  std::ifstream in(kGolden);
  for (std::string l; std::getline(in, l);) {
    if (l.empty() || l[0] == '#') continue;
    const std::size_t sep = l.find(" => ");
    if (sep != std::string::npos) out[l.substr(0, sep)] = l.substr(sep + 4);
  }
  return out;
}

bool updating() {
  const char* u = std::getenv("ALLOCSIM_UPDATE_GOLDEN");
  return u && std::string(u) == "1";
}

std::mutex g_mutex;
std::map<std::string, std::string> g_updated;

class GoldenRuns : public ::testing::TestWithParam<Case> {};

TEST_P(GoldenRuns, ResultsAreUnchanged) {
  const Case& c = GetParam();
  const std::string got = run_case(c);
  if (updating()) {
    std::lock_guard lock(g_mutex);
    g_updated[c.key()] = got;
    return;
  }
  static const std::map<std::string, std::string> golden = read_golden();
  const auto it = golden.find(c.key());
  ASSERT_NE(it, golden.end()) << "no golden entry for '" << c.key()
                              << "': regenerate tests/golden/runs.txt (see its header)";
  EXPECT_EQ(it->second, got) << c.key();
}

// Writes the file after every case ran (update mode only).
class GoldenWriter : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!updating()) return;
    std::ofstream out(kGolden);
    out << "# Golden results of tests/golden/golden_runs_test.cpp: case => digests.\n"
           "# Regenerate with ALLOCSIM_UPDATE_GOLDEN=1 build/tests/golden_tests, only for a\n"
           "# deliberate change of results, and say why in the commit message.\n";
    for (const auto& [k, v] : g_updated) out << k << " => " << v << "\n";
  }
};
const auto* const kWriter = ::testing::AddGlobalTestEnvironment(new GoldenWriter);

TEST(GoldenRunsFile, HasAnEntryForEveryCaseAndNoOther) {
  if (updating()) GTEST_SKIP() << "updating";
  const std::map<std::string, std::string> golden = read_golden();
  std::map<std::string, int> want;
  for (const Case& c : cases()) ++want[c.key()];
  for (const auto& [k, n] : want) EXPECT_EQ(n, 1) << "case listed twice: " << k;
  for (const auto& [k, v] : golden) EXPECT_TRUE(want.count(k)) << "stale golden entry: " << k;
  EXPECT_EQ(golden.size(), want.size());
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = std::to_string(info.index) + "_";
  for (char ch : info.param.key()) n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return n.substr(0, 120);
}

INSTANTIATE_TEST_SUITE_P(Shipped, GoldenRuns, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace allocsim::io
