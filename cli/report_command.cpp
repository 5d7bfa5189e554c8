// allocsim report: what a results file holds. With no option, its runs and
// (for a single run) its summary; --proc prints an end-of-run /proc report in
// Linux's format; --replay a replay's comparison with the traced kernel;
// --compare puts two runs' summaries side by side; --kmem summarises a
// replayed trace as perf kmem stat would (cli/kmem_report.cpp).
#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/commands.hpp"
#include "cli/kmem_report.hpp"
#include "io/h5/file.hpp"
#include "io/results/results_file.hpp"

namespace allocsim::cli {

namespace {

std::string cell(const h5::Column& c, std::size_t row) {
  char buf[64];
  switch (c.type) {
    case h5::Column::Type::u64:
      return std::to_string(c.u[row]);
    case h5::Column::Type::i64:
      return std::to_string(c.i[row]);
    case h5::Column::Type::f64:
      std::snprintf(buf, sizeof buf, "%.6g", c.f[row]);
      return buf;
    case h5::Column::Type::str:
      return c.s[row];
  }
  return "";
}

double number(const h5::Column& c, std::size_t row) {
  switch (c.type) {
    case h5::Column::Type::u64:
      return static_cast<double>(c.u[row]);
    case h5::Column::Type::i64:
      return static_cast<double>(c.i[row]);
    case h5::Column::Type::f64:
      return c.f[row];
    case h5::Column::Type::str:
      return 0;
  }
  return 0;
}

void print_summary(const io::RunResults& r) {
  const io::RunInfo& i = r.info;
  std::printf("run '%s': %s workload, seed %llu, allocsim %s%s%s, %.2f s on %s at %s\n",
              i.name.c_str(), i.workload.c_str(), static_cast<unsigned long long>(i.seed),
              i.allocsim_version.c_str(), i.git_revision.empty() ? "" : " ", i.git_revision.c_str(),
              i.wall_seconds, i.host.c_str(), i.start_time.c_str());
  if (!i.parameters.empty()) std::printf("parameters:\n%s", i.parameters.c_str());
  std::printf("\n%-36s %20s  %s\n", "field", "value", "unit");
  if (r.summary.rows() == 0) return;
  for (const h5::Column& c : r.summary.columns())
    std::printf("%-36s %20s  %s\n", c.name.c_str(), cell(c, 0).c_str(), c.unit.c_str());
}

// Summary fields that identify a run rather than measure it: no ratio.
bool is_identifier(const std::string& field) {
  static const std::set<std::string> kIdentifiers = {"seed", "fingerprint"};
  return kIdentifiers.count(field) > 0;
}

void print_compare(const io::RunResults& a, const io::RunResults& b) {
  std::printf("a: %s\nb: %s\n\n", a.info.name.c_str(), b.info.name.c_str());
  std::printf("%-36s %18s %18s %10s  %s\n", "field", "a", "b", "b/a", "unit");
  for (const h5::Column& ca : a.summary.columns()) {
    const h5::Column* cb = b.summary.find(ca.name);
    const std::string va = a.summary.rows() ? cell(ca, 0) : "";
    const std::string vb = cb && b.summary.rows() ? cell(*cb, 0) : "-";
    std::string ratio;
    if (cb && ca.type != h5::Column::Type::str && !is_identifier(ca.name) && a.summary.rows() &&
        b.summary.rows()) {
      const double x = number(ca, 0), y = number(*cb, 0);
      char buf[32];
      if (x != 0) {
        std::snprintf(buf, sizeof buf, "%.3f", y / x);
        ratio = buf;
      } else {
        ratio = y == 0 ? "=" : "inf";
      }
    }
    std::printf("%-36s %18s %18s %10s  %s\n", ca.name.c_str(), va.c_str(), vb.c_str(),
                ratio.c_str(), ca.unit.c_str());
  }
  for (const h5::Column& cb : b.summary.columns())
    if (!a.summary.find(cb.name))
      std::printf("%-36s %18s %18s %10s  %s\n", cb.name.c_str(), "-",
                  b.summary.rows() ? cell(cb, 0).c_str() : "", "", cb.unit.c_str());
}

// tables/replay_accuracy: the traced kernel's figure, the model's, and their ratio.
void print_replay_accuracy(const io::RunResults& r) {
  const auto t = std::find_if(r.tables.begin(), r.tables.end(),
                              [](const auto& p) { return p.first == "replay_accuracy"; });
  if (t == r.tables.end())
    throw UsageError("--replay: run '" + r.info.name +
                     "' is not a replay (no tables/replay_accuracy)");
  const h5::Table& a = t->second;
  const h5::Column *metric = a.find("metric"), *key = a.find("key"), *traced = a.find("traced"),
                   *model = a.find("model"), *ratio = a.find("ratio");
  if (!metric || !key || !traced || !model || !ratio)
    throw UsageError("--replay: run '" + r.info.name + "' has a malformed tables/replay_accuracy");
  std::printf("run '%s': %s, the traced kernel and the model\n\n", r.info.name.c_str(),
              r.info.workload.c_str());
  std::printf("%-20s %-32s %14s %14s %12s\n", "metric", "key", "traced", "model", "model/traced");
  for (std::size_t i = 0; i < a.rows(); ++i)
    std::printf("%-20s %-32s %14s %14s %12s\n", cell(*metric, i).c_str(), cell(*key, i).c_str(),
                cell(*traced, i).c_str(), cell(*model, i).c_str(), cell(*ratio, i).c_str());
}

}  // namespace

int report_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  po::options_description desc("report options");
  std::string run, proc;
  std::vector<std::string> compare;
  bool replay = false;
  std::size_t call_sites = 20;
  desc.add_options()("run", po::value<std::string>(&run),
                     "the run to report (default: the only one)")(
      "proc", po::value<std::string>(&proc),
      "print an end-of-run report: buddyinfo, zoneinfo, pagetypeinfo, slabinfo, vmallocinfo, "
      "vmstat, extfrag_index, unusable_index")(
      "replay", po::bool_switch(&replay),
      "a replay's comparison with the traced kernel: every row of tables/replay_accuracy")(
      "compare", po::value<std::vector<std::string>>(&compare)->multitoken(),
      "RUN_A RUN_B: the two runs' summaries side by side, with B/A")(
      "kmem",
      "a replayed trace as perf kmem stat sees it: bytes requested and allocated, internal "
      "fragmentation per call site, cross-CPU frees, page allocations per order and "
      "migratetype")("call-sites", po::value<std::size_t>(&call_sites)->default_value(call_sites),
                     "with --kmem: how many call sites to list");
  po::options_description hidden;
  std::vector<std::string> files;
  hidden.add_options()("results-file", po::value<std::vector<std::string>>(&files));
  po::options_description all;
  all.add(desc).add(hidden).add_options()("help,h", "this text");
  po::positional_options_description pos;
  pos.add("results-file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::printf(
        "usage: allocsim report OUT.h5 [--run NAME] [--proc NAME | --kmem | --replay] "
        "[--compare RUN_A RUN_B]\n\n"
        "Reports on a results file written by 'allocsim run -o' or 'allocsim sweep': its runs,\n"
        "a run's summary (every field with its unit), its /proc reports in Linux's formats,\n"
        "a replayed trace's kmem statistics, or two runs side by side. The schema is in\n"
        "docs/results.md.\n\n");
    std::cout << desc << "\n";
    return 0;
  }
  if (files.size() != 1) throw UsageError("report takes one results file");
  if (!compare.empty() && compare.size() != 2) throw UsageError("--compare takes two run names");
  const bool kmem = vm.count("kmem") > 0;
  if (kmem && !proc.empty()) throw UsageError("--kmem and --proc exclude each other");
  std::error_code ec;
  if (!std::filesystem::exists(files.front(), ec))
    throw UsageError(files.front() + ": no such file");
  if (std::filesystem::is_directory(files.front(), ec))
    throw UsageError(files.front() + ": is a directory, not a results file");
  h5::File f = [&] {
    try {
      return h5::File::open(files.front(), false);
    } catch (const h5::H5Error&) {
      throw UsageError(files.front() + ": not a results file (HDF5 cannot open it)");
    }
  }();
  const std::vector<std::string> runs = io::list_runs(f.id());
  auto require = [&](const std::string& name) {
    if (std::find(runs.begin(), runs.end(), name) == runs.end()) {
      std::string known;
      for (const std::string& r : runs) known += (known.empty() ? "" : ", ") + r;
      throw UsageError(files.front() + ": no complete run '" + name + "' (runs: " + known + ")");
    }
  };
  if (!compare.empty()) {
    require(compare[0]);
    require(compare[1]);
    print_compare(io::read_run(f.id(), compare[0]), io::read_run(f.id(), compare[1]));
    return 0;
  }
  if (run.empty() && runs.size() == 1) run = runs.front();
  if (run.empty()) {
    if (!proc.empty() || kmem || replay)
      throw UsageError(std::string(kmem     ? "--kmem"
                                   : replay ? "--replay"
                                            : "--proc") +
                       " needs --run (the file has " + std::to_string(runs.size()) + " runs)");
    std::printf("%s: %zu runs\n", files.front().c_str(), runs.size());
    for (const std::string& r : runs) std::printf("  %s\n", r.c_str());
    return 0;
  }
  require(run);
  const io::RunResults r = io::read_run(f.id(), run, kmem);  // --kmem reads tables/replay
  if (kmem) {
    print_kmem(r, call_sites);
    return 0;
  }
  if (!proc.empty()) {
    for (const auto& [name, text] : r.proc)
      if (name == proc) {
        std::fputs(text.c_str(), stdout);
        return 0;
      }
    std::string known;
    for (const auto& p : r.proc) known += (known.empty() ? "" : ", ") + p.first;
    throw UsageError("--proc '" + proc + "': not in run '" + run + "' (it has " + known + ")");
  }
  if (replay) {
    print_replay_accuracy(r);
    return 0;
  }
  print_summary(r);
  return 0;
}

}  // namespace allocsim::cli
