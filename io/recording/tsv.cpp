#include "io/recording/tsv.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace allocsim::io::recording {

std::string tsv_escape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (char c : field) {
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

std::string tsv_unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size()) {
      const char n = field[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::vector<std::string> tsv_split(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(tsv_unescape(line.substr(start, tab - start)));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

void tsv_append_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += '\t';
    out += tsv_escape(fields[i]);
  }
  out += '\n';
}

std::vector<std::string> tsv_list(std::string_view field) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < field.size();) {
    const std::size_t comma = std::min(field.find(',', i), field.size());
    if (comma > i) out.emplace_back(field.substr(i, comma - i));
    i = comma + 1;
  }
  return out;
}

std::size_t TsvTable::column(std::string_view name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end())
    throw std::runtime_error(file + ":1: no column '" + std::string(name) + "'");
  return static_cast<std::size_t>(it - header.begin());
}

TsvTable read_tsv_table(const std::filesystem::path& path, std::string_view what) {
  TsvTable t;
  t.file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(t.file + ": cannot read " + std::string(what));
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(t.file + ":1: empty, expected a header");
  t.header = tsv_split(line);
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<std::string> fields = tsv_split(line);
    if (fields.size() != t.header.size())
      throw std::runtime_error(t.file + ":" + std::to_string(number) + ": " +
                               std::to_string(fields.size()) + " fields, the header has " +
                               std::to_string(t.header.size()));
    t.rows.push_back({number, std::move(fields)});
  }
  return t;
}

}  // namespace allocsim::io::recording
