// The statistics schema (`allocsim stats`, allocsim.stats_schema()) against
// what runs actually write: every summary column, counters row and table
// column of a run is declared with the unit and type it is written with, and
// every declared summary column appears; docs/results.md's generated tables
// match the declarations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "io/results/counters_table.hpp"
#include "io/results/stats_report.hpp"
#include "io/results/stats_schema.hpp"
#include "io/run/execute.hpp"
#include "sim/stats.hpp"

namespace allocsim::io {
namespace {

RunOutcome generator_run() {
  return execute(
      load_config({}, {"machine.cpus=4", "workload.generator.duration=100us", "run.events=50"}));
}
RunOutcome replay_run() {
  return execute(load_config({}, {"workload.trace=" + std::string(ALLOCSIM_SOURCE_DIR) +
                                  "/tests/data/traces/raw-6.x-pS.ftrace.txt"}));
}
RunOutcome exercise_run() {
  return execute(load_config(
      {}, {"workload.kind=exercise", "machine.cpus=2", "workload.exercise.ops_per_cpu=200"}));
}

// The declared statistic shown at `place` (a name or a pattern with one placeholder).
const StatEntry* declared_at(const std::vector<StatEntry>& schema, StatPlace::Kind kind,
                             const std::string& name) {
  for (const StatEntry& e : schema)
    for (const StatPlace& p : e.places)
      if (p.kind == kind && sim::matches(p.name, name)) return &e;
  return nullptr;
}

void expect_declared(const std::vector<StatEntry>& schema, const h5::Table& summary) {
  for (const h5::Column& c : summary.columns()) {
    const StatEntry* e = declared_at(schema, StatPlace::Kind::summary, c.name);
    ASSERT_NE(e, nullptr) << "summary column " << c.name << " is not declared";
    EXPECT_EQ(e->stat.unit, c.unit) << c.name;
    EXPECT_EQ(e->type, h5::type_name(c.type)) << c.name;
  }
}

// Every column of the part's declaration is in the summary (a family: some instance of it).
void expect_written(const std::string& part, const h5::Table& summary) {
  for (const TableSchema& t : results_tables_schema()) {
    if (t.name != part) continue;
    for (const ColumnDecl& d : t.columns) {
      bool found = false;
      for (const h5::Column& c : summary.columns()) found |= sim::matches(d.name, c.name);
      EXPECT_TRUE(found) << part << " declares " << d.name << ", which the run does not write";
    }
    return;
  }
  FAIL() << "no summary part " << part;
}

TEST(StatsSchema, DeclaresEverySummaryColumnOfEachKindOfRun) {
  const std::vector<StatEntry> schema = stats_schema();
  const RunOutcome g = generator_run();
  expect_declared(schema, g.results.summary);
  for (const char* part : {"summary/run", "summary/ops", "summary/generator", "summary/kernel"})
    expect_written(part, g.results.summary);
  const RunOutcome r = replay_run();
  expect_declared(schema, r.results.summary);
  for (const char* part : {"summary/run", "summary/replay", "summary/kernel"})
    expect_written(part, r.results.summary);
  const RunOutcome e = exercise_run();
  expect_declared(schema, e.results.summary);
  for (const char* part : {"summary/run", "summary/exercise"})
    expect_written(part, e.results.summary);
}

TEST(StatsSchema, AllocsimStatsJsonNamesEverySummaryColumnOfADefaultRun) {
  const std::vector<StatEntry> schema = stats_schema();
  const std::string json = stats_json(schema);
  const RunOutcome g = generator_run();
  for (const h5::Column& c : g.results.summary.columns()) {
    const StatEntry* e = declared_at(schema, StatPlace::Kind::summary, c.name);
    ASSERT_NE(e, nullptr) << c.name;
    // The column by its name, or by its family's pattern (`<op>.ops`, `lock_wait_cycles.<class>`).
    bool listed = false;
    for (const StatPlace& p : e->places)
      listed |= p.kind == StatPlace::Kind::summary && sim::matches(p.name, c.name) &&
                json.find("\"" + p.name + "\"") != std::string::npos;
    EXPECT_TRUE(listed) << c.name;
  }
}

TEST(StatsSchema, DeclaresEveryCountersRowAndEveryTableColumn) {
  const std::vector<StatEntry> schema = stats_schema();
  const RunOutcome g = generator_run();
  const h5::Column& names = *g.results.counters.find("name");
  ASSERT_GT(names.s.size(), 0u);
  for (const std::string& n : names.s)
    EXPECT_NE(declared_at(schema, StatPlace::Kind::counters, n), nullptr)
        << "counters row " << n << " is not declared";

  // Tables: the written columns are the declared ones, in order, with their units.
  std::vector<std::pair<std::string, const h5::Table*>> written;
  for (const auto& [name, t] : g.results.timeseries) written.emplace_back("timeseries/" + name, &t);
  written.emplace_back("events", &g.results.events);
  for (const auto& [name, t] : g.results.latency) written.emplace_back("latency/<op>", &t);
  const RunOutcome e = exercise_run();
  for (const auto& [name, t] : e.results.tables) written.emplace_back("tables/" + name, &t);
  const RunOutcome r = replay_run();
  for (const auto& [name, t] : r.results.tables) written.emplace_back("tables/" + name, &t);
  const std::vector<TableSchema> declared = results_tables_schema();
  auto find = [&](const std::string& name) {
    const auto d = std::find_if(declared.begin(), declared.end(),
                                [&](const TableSchema& s) { return s.name == name; });
    if (d == declared.end()) throw std::runtime_error(name + " is not declared");
    return d;
  };
  ASSERT_GT(g.results.events.rows(), 0u);
  for (const auto& [name, t] : written) {
    // Timeseries tables start with the time columns, declared once for all.
    std::vector<ColumnDecl> columns = find(name)->columns;
    if (name.starts_with("timeseries/")) {
      const auto& time = find("timeseries/*")->columns;
      columns.insert(columns.begin(), time.begin(), time.end());
    }
    ASSERT_EQ(t->columns().size(), columns.size()) << name;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      EXPECT_EQ(t->columns()[i].name, columns[i].name) << name;
      EXPECT_EQ(t->columns()[i].unit, columns[i].stat.unit) << name << "." << columns[i].name;
      EXPECT_EQ(t->columns()[i].type, columns[i].type) << name << "." << columns[i].name;
    }
  }
}

TEST(StatsSchema, EveryStatisticHasAUnitAMeaningAndASource) {
  for (const StatEntry& e : stats_schema()) {
    const std::string what = std::string(e.component) + "/" + std::string(e.stat.name);
    EXPECT_FALSE(e.stat.meaning.empty()) << what;
    EXPECT_FALSE(e.stat.source.empty()) << what;
    EXPECT_EQ(e.stat.unit.empty(), e.type == "str") << what;
  }
}

TEST(StatsSchema, GroupsByComponentInTreeOrder) {
  const std::vector<StatEntry> schema = stats_schema();
  std::size_t node = 0;
  for (const StatEntry& e : schema) {
    while (node < tree::kNodes.size() && tree::kNodes[node].path != e.component) ++node;
    ASSERT_LT(node, tree::kNodes.size()) << e.component << " out of tree order";
  }
  // Every node has statistics.
  for (const tree::Node& n : tree::kNodes)
    EXPECT_TRUE(std::any_of(schema.begin(), schema.end(), [&](const StatEntry& e) {
      return e.component == n.path;
    })) << n.path;
}

// docs/results.md holds a generated table between `<!-- stats:begin ID -->`
// and `<!-- stats:end -->` for every section, once, equal to what the
// declarations give. ALLOCSIM_UPDATE_DOCS=1 rewrites them.
TEST(StatsDocs, ResultsMdMatchesTheDeclarations) {
  const std::string path = std::string(ALLOCSIM_SOURCE_DIR) + "/docs/results.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const std::string begin = "<!-- stats:begin ", end = "<!-- stats:end -->";
  std::string out;
  std::vector<std::string> seen;
  std::size_t at = 0;
  bool stale = false;
  for (std::size_t b; (b = text.find(begin, at)) != std::string::npos;) {
    const std::size_t id_end = text.find(" -->\n", b);
    const std::size_t e = text.find(end, b);
    ASSERT_NE(id_end, std::string::npos);
    ASSERT_NE(e, std::string::npos) << "unterminated generated section at offset " << b;
    const std::string id = text.substr(b + begin.size(), id_end - b - begin.size());
    seen.push_back(id);
    const std::string now = text.substr(id_end + 5, e - id_end - 5);
    std::string want;
    try {
      want = results_doc_section(id);
    } catch (const std::out_of_range& err) {
      ADD_FAILURE() << err.what();
    }
    stale |= now != want;
    EXPECT_EQ(now, want) << "docs/results.md section " << id << " is out of date";
    out += text.substr(at, id_end + 5 - at) + want;
    at = e;
  }
  out += text.substr(at);
  EXPECT_EQ(seen, results_doc_sections()) << "docs/results.md needs each generated section once";
  if (stale) {
    if (const char* u = std::getenv("ALLOCSIM_UPDATE_DOCS"); u && std::string(u) == "1") {
      std::ofstream(path) << out;
      std::cout << "rewrote the generated sections of " << path << "\n";
    } else {
      ADD_FAILURE() << "regenerate with ALLOCSIM_UPDATE_DOCS=1 build/tests/results_tests "
                       "--gtest_filter=StatsDocs.*";
    }
  }
}

}  // namespace
}  // namespace allocsim::io
