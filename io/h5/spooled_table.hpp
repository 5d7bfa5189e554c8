#pragma once
// A table too long to hold in memory (a large machine's timeseries/pcp has a
// row per CPU and zone in every sample), built row by row and written as
// write_table writes a Table of the same rows: the same fields, string
// widths, chunks, filters and units, so no reader can tell them apart. Both
// depend on every row (a string field is as wide as the longest value, a
// short table's chunk as long as the table), so the rows wait in a temporary
// file, appended a block at a time, and write() copies them into the results
// file a chunk at a time. Host memory stays bounded: one block of rows, and
// each string column's distinct values (zone, cache or lock names), which
// the rows hold by index.
//
// The temporary file is in the system's temporary directory ($TMPDIR) and
// is unlinked as soon as it is created, so nothing is left behind even by a
// killed process. Rows take 8 bytes per column there, uncompressed.
#include <hdf5.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/h5/table.hpp"

namespace allocsim::h5 {

class SpooledTable {
 public:
  // `what` names the table in errors ("timeseries/pcp").
  explicit SpooledTable(std::string what);
  ~SpooledTable();
  SpooledTable(const SpooledTable&) = delete;
  SpooledTable& operator=(const SpooledTable&) = delete;

  // Declares a column (before the first row); returns its index for set().
  std::size_t add(std::string name, Column::Type type, std::string unit);
  // The row being built: every column's value, of its type, then end_row().
  // std::logic_error for a value of another type or a row left incomplete.
  void set(std::size_t column, std::uint64_t v);
  void set(std::size_t column, std::int64_t v);
  void set(std::size_t column, double v);
  void set(std::size_t column, std::string_view v);
  void end_row();

  std::uint64_t rows() const { return spilled_ + buffered_; }
  // The columns' declarations (names, types, units), without values.
  const std::vector<Column>& columns() const { return columns_; }
  // Writes the rows as write_table(loc, name, load()) would.
  void write(hid_t loc, const std::string& name) const;
  // The rows in memory.
  Table load() const;

  // At most this many bytes of rows are held in memory (a row at least).
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;

 private:
  // A string column's distinct values, by index, and the index of each.
  struct Strings {
    std::vector<std::string> values;
    std::map<std::string, std::uint64_t, std::less<>> ids;
    std::size_t longest = 0;
    std::uint64_t next = 0;  // the index after the last value set
  };

  std::uint64_t* cell(std::size_t column, Column::Type type);
  void spill();
  // The cells of rows first .. first + n - 1 into `out` (n x columns).
  void read(std::uint64_t first, std::size_t n, std::uint64_t* out) const;
  [[noreturn]] void fail(const std::string& what, int err) const;  // err: an errno

  std::string what_;
  std::vector<Column> columns_;
  std::vector<Strings> strings_;      // one per column (used by string columns)
  std::vector<std::uint64_t> block_;  // block_rows_ rows of columns_.size() cells
  std::size_t block_rows_ = 0, buffered_ = 0, set_ = 0;
  std::uint64_t spilled_ = 0;  // rows in the file
  int fd_ = -1;
};

}  // namespace allocsim::h5
