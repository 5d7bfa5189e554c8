// The table of workload operations (workloads/generator/op_table.hpp): one
// naming entry per op kind, unique names, keys and shorthands that make
// sense, the object kinds of allocations and typed frees, and the same ops,
// shorthands and keys as the operations table of docs/workloads.md.
#include "workloads/generator/op_table.hpp"
#include "workloads/generator/generator_stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace allocsim::workloads::gen {
namespace {

bool has_key(const OpDef& d, std::string_view key) {
  return std::find(d.keys.begin(), d.keys.end(), key) != d.keys.end();
}

TEST(OpTable, EveryKindHasOneNamingEntryInEnumOrder) {
  std::set<OpKind> seen;
  for (std::size_t k = 0; k < kOpKinds; ++k) {
    const auto kind = static_cast<OpKind>(k);
    const OpDef& d = op_def(kind);
    EXPECT_EQ(d.kind, kind);
    EXPECT_EQ(to_string(kind), d.name);
    EXPECT_EQ(find_op(d.name), &d);
    // The naming entry is the kind's first: aliases (typed frees) follow it.
    EXPECT_TRUE(seen.insert(kind).second);
    for (const OpDef* e = kOps; e != &d; ++e) EXPECT_NE(e->kind, kind) << d.name;
  }
  for (const OpDef& d : kOps) EXPECT_LT(static_cast<std::size_t>(d.kind), kOpKinds) << d.name;
  EXPECT_EQ(seen.size(), kOpKinds);
}

TEST(OpTable, NamesAreUniqueAndFound) {
  std::set<std::string_view> names;
  for (const OpDef& d : kOps) {
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_EQ(find_op(d.name), &d);
  }
  EXPECT_EQ(find_op("kmaloc"), nullptr);
  EXPECT_EQ(find_op(""), nullptr);
}

TEST(OpTable, KeysAndShorthandsMakeSense) {
  for (const OpDef& d : kOps) {
    std::set<std::string_view> keys(d.keys.begin(), d.keys.end());
    EXPECT_EQ(keys.size(), d.keys.size()) << d.name << ": a key listed twice";
    // count and when are every op's; the table lists the others.
    EXPECT_FALSE(keys.count("count") || keys.count("when")) << d.name;
    // A one-value form sets a key the op takes.
    if (!d.shorthand.empty()) {
      EXPECT_TRUE(has_key(d, d.shorthand) || d.shorthand == "count") << d.name;
    }
  }
}

TEST(OpTable, ObjectKindsOfAllocationsAndTypedFrees) {
  std::map<ObjectKind, int> made, taken;
  for (const OpDef& d : kOps) {
    switch (d.family) {
      case OpFamily::alloc:
        ASSERT_TRUE(d.objects.has_value()) << d.name << " makes no kind of object";
        ++made[*d.objects];
        for (std::string_view key : op_keys::kAlloc) EXPECT_TRUE(has_key(d, key)) << d.name;
        break;
      case OpFamily::free:
        EXPECT_EQ(d.kind, OpKind::free) << d.name;
        if (d.objects) ++taken[*d.objects];
        break;
      default:
        EXPECT_FALSE(d.objects.has_value()) << d.name << " neither makes nor frees objects";
        EXPECT_TRUE(d.kind != OpKind::free) << d.name;
    }
  }
  // Each kind of object has one allocation and one typed free.
  for (auto kind : {ObjectKind::pages, ObjectKind::kmalloc, ObjectKind::cache, ObjectKind::mempool,
                    ObjectKind::vmalloc}) {
    EXPECT_EQ(made[kind], 1) << static_cast<int>(kind);
    EXPECT_EQ(taken[kind], 1) << static_cast<int>(kind);
  }
  EXPECT_EQ(op_def(OpKind::free).objects, std::nullopt);  // plain free takes any kind
}

TEST(OpTable, OnlyFreesAndPassTakeCountAll) {
  for (const OpDef& d : kOps)
    EXPECT_EQ(takes_count_all(d.family), d.kind == OpKind::free || d.kind == OpKind::pass)
        << d.name;
}

// The latency histograms are declared once (kOpLatency, workload.<op>.cycles);
// the results find each kind's histogram by matching that pattern.
TEST(OpTable, LatencyHistogramNamesMatchTheDeclaration) {
  for (std::size_t k = 0; k < kOpKinds; ++k) {
    const auto kind = static_cast<OpKind>(k);
    const std::string h = "workload." + std::string(to_string(kind)) + ".cycles";
    std::string_view op;
    EXPECT_TRUE(sim::matches(kOpLatency.stat.name, h, &op)) << h;
    EXPECT_EQ(op, to_string(kind));
  }
  EXPECT_FALSE(sim::matches(kOpLatency.stat.name, "access.latency"));
  EXPECT_FALSE(sim::matches(kOpLatency.stat.name, "workload.cycles"));
  EXPECT_FALSE(sim::matches(kOpLatency.stat.name, "workload.kmalloc"));
}

// ---- docs/workloads.md ----------------------------------------------------

std::string read_doc() {
  std::ifstream in(std::string(ALLOCSIM_SOURCE_DIR) + "/docs/workloads.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(const std::string& s) {
  const std::size_t a = s.find_first_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, s.find_last_not_of(' ') - a + 1);
}

// The cells of a markdown table row ("| a | b |"); `|` inside backticks is text.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  bool code = false;
  for (std::size_t i = 1; i < row.size(); ++i) {
    const char c = row[i];
    if (c == '`') code = !code;
    if (c == '|' && !code) {
      out.push_back(trimmed(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  return out;
}

// Every `word` of a cell.
std::vector<std::string> code_words(const std::string& cell) {
  std::vector<std::string> out;
  for (std::size_t at = cell.find('`'); at != std::string::npos; at = cell.find('`', at + 1)) {
    const std::size_t end = cell.find('`', at + 1);
    if (end == std::string::npos) break;
    out.push_back(cell.substr(at + 1, end - at - 1));
    at = end;
  }
  return out;
}

// The rows (header included) of the first table at or after the line that
// starts with `anchor`.
std::vector<std::vector<std::string>> doc_table(const std::string& doc, std::string_view anchor) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(doc);
  bool found = false;
  for (std::string line; std::getline(lines, line);) {
    found = found || line.starts_with(anchor);
    if (!found || line.starts_with("|---")) continue;
    if (line.starts_with("|"))
      rows.push_back(cells(line));
    else if (!rows.empty())
      break;
  }
  return rows;
}

struct DocOp {
  std::string shorthand;  // empty: none
  std::string keys;       // the keys column
  std::size_t order = 0;  // in the doc
};

std::map<std::string, DocOp> doc_ops(const std::string& doc) {
  std::map<std::string, DocOp> ops;
  const auto rows = doc_table(doc, "| op | scalar form |");
  for (std::size_t r = 1; r < rows.size(); ++r) {  // after the header
    const std::vector<std::string>& row = rows[r];
    EXPECT_EQ(row.size(), 4u) << row.front();
    if (row.size() != 4) continue;
    const std::vector<std::string> shorthand = code_words(row[1]);
    for (const std::string& name : code_words(row[0])) {
      const std::size_t order = ops.size();
      ops[name] = {shorthand.empty() ? "" : shorthand.front(), row[2], order};
    }
  }
  return ops;
}

TEST(OpTable, TheDocumentedOpsAreTheTablesInItsOrder) {
  const std::map<std::string, DocOp> doc = doc_ops(read_doc());
  ASSERT_FALSE(doc.empty()) << "no operations table in docs/workloads.md";
  std::size_t i = 0;
  for (const OpDef& d : kOps) {
    const auto it = doc.find(std::string(d.name));
    if (it == doc.end()) {
      ADD_FAILURE() << d.name << " is not in docs/workloads.md's table of operations";
      continue;
    }
    EXPECT_EQ(it->second.order, i++) << d.name << ": the doc lists the ops in another order";
    EXPECT_EQ(it->second.shorthand, d.shorthand) << d.name << ": the documented scalar form";
  }
  for (const auto& [name, op] : doc) EXPECT_NE(find_op(name), nullptr) << name << " is documented";
}

TEST(OpTable, EveryKeyOfAnOpIsDocumented) {
  const std::string text = read_doc();
  const std::map<std::string, DocOp> doc = doc_ops(text);
  // The keys an op's "alloc keys" stands for.
  std::set<std::string> alloc_keys;
  const auto rows = doc_table(text, "Alloc keys");
  for (std::size_t r = 1; r < rows.size(); ++r) alloc_keys.insert(code_words(rows[r][0]).at(0));
  EXPECT_EQ(alloc_keys, std::set<std::string>(op_keys::kAlloc.begin(), op_keys::kAlloc.end()));
  for (const OpDef& d : kOps) {
    const auto it = doc.find(std::string(d.name));
    if (it == doc.end()) continue;  // reported above
    std::string column = it->second.keys;
    if (column.starts_with("as `")) column = doc.at(code_words(column).front()).keys;
    const std::vector<std::string> words = code_words(column);
    std::set<std::string> documented(words.begin(), words.end());
    if (column.find("alloc keys") != std::string::npos)
      documented.insert(alloc_keys.begin(), alloc_keys.end());
    for (std::string_view key : d.keys)
      EXPECT_TRUE(documented.count(std::string(key))) << d.name << "." << key << " is undocumented";
  }
}

}  // namespace
}  // namespace allocsim::workloads::gen
