#pragma once
// Tab-separated tables of the snapshots: a header line, then one line per
// row. In a field, a tab, a newline and a backslash are written \t, \n, \\.
#include <string>
#include <string_view>
#include <vector>

namespace allocsim::io::recording {

std::string tsv_escape(std::string_view field);
std::string tsv_unescape(std::string_view field);
// One line (without its newline) split at tabs and unescaped.
std::vector<std::string> tsv_split(std::string_view line);
// The index of column `name` in a header; std::runtime_error "<file>:1: no
// column '<name>'" if it has none.
std::size_t tsv_column(const std::vector<std::string>& header, std::string_view name,
                       const std::string& file);
// Appends the fields, escaped and joined by tabs, and a newline.
void tsv_append_row(std::string& out, const std::vector<std::string>& fields);

}  // namespace allocsim::io::recording
