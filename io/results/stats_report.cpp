#include "io/results/stats_report.hpp"

#include <cstdio>
#include <stdexcept>

#include "io/results/counters_table.hpp"

namespace allocsim::io {

namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// Text for a markdown table cell: no HTML, no column breaks.
std::string cell(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    if (ch == '<')
      out += "&lt;";
    else if (ch == '>')
      out += "&gt;";
    else if (ch == '|')
      out += "\\|";
    else
      out += ch;
  }
  return out;
}

bool selected(const StatEntry& e, std::string_view filter) {
  if (filter.empty() || e.component.starts_with(filter)) return true;
  if (e.stat.name.find(filter) != std::string_view::npos) return true;
  for (const StatPlace& p : e.places)
    if (p.name.find(filter) != std::string::npos) return true;
  return false;
}

std::string_view what_of(std::string_view component) {
  for (const tree::Node& n : tree::kNodes)
    if (n.path == component) return n.what;
  return {};
}

}  // namespace

std::string stats_text(const std::vector<StatEntry>& stats, std::string_view filter) {
  std::string out;
  std::string_view component;
  for (const StatEntry& e : stats) {
    if (!selected(e, filter)) continue;
    if (e.component != component) {
      component = e.component;
      if (!out.empty()) out += '\n';
      out.append(component).append(": ").append(what_of(component)) += '\n';
    }
    out.append("  ").append(e.stat.name).append(" (").append(e.type);
    if (!e.stat.unit.empty()) out.append(", ").append(e.stat.unit);
    out.append("): ").append(e.stat.meaning).append("\n      in: ");
    if (e.places.empty()) out += "no results table";
    for (std::size_t i = 0; i < e.places.size(); ++i) {
      const bool new_kind = i == 0 || e.places[i].kind != e.places[i - 1].kind;
      if (i) out += new_kind ? "; " : ", ";
      if (new_kind) out.append(to_string(e.places[i].kind)) += ' ';
      out += e.places[i].name;
    }
    out.append("\n      from: ").append(e.stat.source) += '\n';
  }
  return out;
}

std::string stats_json(const std::vector<StatEntry>& stats) {
  std::string out = "{\"components\": [";
  for (std::size_t i = 0; i < tree::kNodes.size(); ++i)
    out += std::string(i ? ",\n  " : "\n  ") + "{\"path\": " + json_string(tree::kNodes[i].path) +
           ", \"what\": " + json_string(tree::kNodes[i].what) + "}";
  out += "],\n\"statistics\": [";
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const StatEntry& e = stats[i];
    out += std::string(i ? ",\n  " : "\n  ") + "{\"component\": " + json_string(e.component) +
           ", \"name\": " + json_string(e.stat.name) + ", \"type\": " + json_string(e.type) +
           ", \"unit\": " + json_string(e.stat.unit) +
           ", \"meaning\": " + json_string(e.stat.meaning) +
           ", \"source\": " + json_string(e.stat.source);
    for (const auto kind : {StatPlace::Kind::summary, StatPlace::Kind::counters,
                            StatPlace::Kind::timeseries, StatPlace::Kind::tables}) {
      out += ", " + json_string(to_string(kind)) + ": [";
      bool first = true;
      for (const StatPlace& p : e.places)
        if (p.kind == kind) {
          out += (first ? "" : ", ") + json_string(p.name);
          first = false;
        }
      out += "]";
    }
    out += "}";
  }
  return out + "]}\n";
}

std::vector<std::string> results_doc_sections() {
  std::vector<std::string> out;
  std::size_t after_summary = 0;
  for (const TableSchema& t : results_tables_schema()) {
    out.push_back(t.name);
    if (t.name.starts_with("summary/")) after_summary = out.size();
  }
  // The counters follow the summary's last part.
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(after_summary), "counters");
  return out;
}

std::string results_doc_section(std::string_view id) {
  if (id == "counters") {
    std::string out = "| name | scope | unit | meaning | from |\n|---|---|---|---|---|\n";
    for (const CounterRows& r : counters_schema())
      out += "| `" + r.name + "` | " + std::string(r.scope) + " | " + std::string(r.stat.unit) +
             " | " + cell(r.stat.meaning) + " | " + cell(r.stat.source) + " |\n";
    return out;
  }
  for (const TableSchema& t : results_tables_schema()) {
    if (t.name != id) continue;
    std::string out = "| column | type | unit | meaning | from |\n|---|---|---|---|---|\n";
    for (const ColumnDecl& c : t.columns)
      out += "| `" + c.name + "` | " + std::string(h5::type_name(c.type)) + " | " +
             std::string(c.stat.unit) + " | " + cell(c.stat.meaning) + " | " + cell(c.stat.source) +
             " |\n";
    return out;
  }
  throw std::out_of_range("no generated section '" + std::string(id) + "' in docs/results.md");
}

}  // namespace allocsim::io
