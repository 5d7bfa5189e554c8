// allocsim stats: every statistic a results file can hold, grouped by the
// component that counts it, with its unit, meaning, source and where it
// appears; generated from the declarations the results are written from.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "io/results/stats_report.hpp"
#include "io/results/stats_schema.hpp"

namespace allocsim::cli {

int stats_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  po::options_description desc("stats options");
  desc.add_options()("json", "print one JSON object: components and statistics")(
      "markdown", po::value<std::string>(),
      "print one of docs/results.md's generated tables (SECTION: e.g. summary/kernel, "
      "counters, timeseries/zones; 'list' lists them)");
  po::options_description hidden;
  std::vector<std::string> filters;
  hidden.add_options()("filter", po::value<std::vector<std::string>>(&filters));
  po::options_description all;
  all.add(desc).add(hidden).add_options()("help,h", "this text");
  po::positional_options_description pos;
  pos.add("filter", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::printf(
        "usage: allocsim stats [FILTER] [--json] [--markdown SECTION]\n\n"
        "Lists every statistic a results file can hold, grouped by component: its type,\n"
        "unit and meaning, where it appears (summary column, counters row, timeseries\n"
        "table.column, tables/latency/events column) and where its value comes from.\n"
        "FILTER keeps the components that start with it and the statistics whose name\n"
        "or place contains it (e.g. 'page_alloc', 'numa', 'zones.').\n\n");
    std::cout << desc << "\n";
    return 0;
  }
  if (filters.size() > 1) throw UsageError("stats takes at most one FILTER");
  if (vm.count("markdown")) {
    const std::string section = vm["markdown"].as<std::string>();
    if (section == "list") {
      for (const std::string& s : io::results_doc_sections()) std::printf("%s\n", s.c_str());
      return 0;
    }
    try {
      std::fputs(io::results_doc_section(section).c_str(), stdout);
    } catch (const std::out_of_range& e) {
      throw UsageError(std::string(e.what()) + " (try --markdown list)");
    }
    return 0;
  }
  const std::vector<io::StatEntry> stats = io::stats_schema();
  if (vm.count("json")) {
    if (!filters.empty()) throw UsageError("--json lists every statistic: drop the FILTER");
    std::fputs(io::stats_json(stats).c_str(), stdout);
    return 0;
  }
  const std::string text = io::stats_text(stats, filters.empty() ? "" : filters.front());
  if (text.empty()) throw UsageError("no statistic matches '" + filters.front() + "'");
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace allocsim::cli
