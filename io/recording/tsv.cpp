#include "io/recording/tsv.hpp"

#include <stdexcept>

#include <algorithm>

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

std::size_t tsv_column(const std::vector<std::string>& header, std::string_view name,
                       const std::string& file) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end())
    throw std::runtime_error(file + ":1: no column '" + std::string(name) + "'");
  return static_cast<std::size_t>(it - header.begin());
}

}  // namespace allocsim::io::recording
