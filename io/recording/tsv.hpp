#pragma once
// Tab-separated tables of the snapshots: a header line, then one line per
// row. In a field, a tab, a newline and a backslash are written \t, \n, \\.
#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace allocsim::io::recording {

std::string tsv_escape(std::string_view field);
std::string tsv_unescape(std::string_view field);
// One line (without its newline) split at tabs and unescaped.
std::vector<std::string> tsv_split(std::string_view line);
// A comma-separated list field ("a,b"); empty items are dropped.
std::vector<std::string> tsv_list(std::string_view field);

// A snapshot table read whole: its header and each non-empty line's fields,
// with errors (std::runtime_error) naming the file, line and column.
struct TsvTable {
  struct Row {
    std::size_t line;  // 1-based; the header is line 1
    std::vector<std::string> fields;
  };
  std::string file;
  std::vector<std::string> header;
  std::vector<Row> rows;

  // The index of column `name`; "<file>:1: no column '<name>'" if none.
  std::size_t column(std::string_view name) const;
  // "<file>:<line>", for a message about `r`.
  std::string where(const Row& r) const { return file + ":" + std::to_string(r.line); }
  // `text` (a field of column `col` in `r`, or a part of one) as a number of
  // type T; "<file>:<line>: <column>: expected a number, not '<text>'".
  template <class T>
  T number(const Row& r, std::size_t col, std::string_view text) const {
    T v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
      throw std::runtime_error(where(r) + ": " + header[col] + ": expected a number, not '" +
                               std::string(text) + "'");
    return v;
  }
};
// Reads the table at `path`: "<file>: cannot read <what>" when it cannot be
// opened, ":1: empty, expected a header", ":<n>: <k> fields, the header has
// <h>" for a line of the wrong width.
TsvTable read_tsv_table(const std::filesystem::path& path, std::string_view what);
// Appends the fields, escaped and joined by tabs, and a newline.
void tsv_append_row(std::string& out, const std::vector<std::string>& fields);

}  // namespace allocsim::io::recording
