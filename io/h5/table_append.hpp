#pragma once
// A table written as it grows, for tables too long to hold in memory: an
// extendable, chunked, compressed compound dataset with the layout
// write_table gives (one field per column, a "units" attribute), so
// read_table, h5py and pandas read it alike. Rows are packed into a buffer
// and appended a chunk at a time. Strings have a fixed width given up front.
// A full chunk is shuffled and deflated on a worker thread while the next
// fills, then stored with H5Dwrite_chunk (the same bytes H5Dwrite stores).
#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/h5/chunk_filter.hpp"
#include "io/h5/file.hpp"

namespace allocsim::h5 {

class TableAppender {
 public:
  struct ColumnSpec {
    std::string name;
    Column::Type type = Column::Type::u64;
    std::string unit;
    std::size_t width = 0;  // strings: bytes (longer values are cut)
  };

  // Creates the dataset `name` under `loc` (parents too); fails if it exists.
  TableAppender(hid_t loc, const std::string& name, std::vector<ColumnSpec> columns);
  TableAppender(const TableAppender&) = delete;
  TableAppender& operator=(const TableAppender&) = delete;

  // The values of the row being built, by column index, then end_row().
  void set(std::size_t column, std::uint64_t v) { put(column, &v, sizeof v); }
  void set(std::size_t column, std::int64_t v) { put(column, &v, sizeof v); }
  void set(std::size_t column, double v) { put(column, &v, sizeof v); }
  void set(std::size_t column, std::string_view v);
  void end_row();
  // Writes the buffered rows; the dataset is then complete (more rows may follow).
  void flush();
  std::uint64_t rows() const { return written_ + buffered_; }

 private:
  void put(std::size_t column, const void* v, std::size_t n);
  // The chunk on the worker thread into the file (waits for it).
  void store_filtered();
  void extend(std::uint64_t rows);

  std::string path_;
  std::vector<ColumnSpec> columns_;
  std::vector<std::size_t> offsets_;
  std::size_t row_size_ = 0, chunk_rows_ = 0;
  Handle type_, dset_;
  std::vector<unsigned char> buf_;  // chunk_rows_ rows
  std::size_t buffered_ = 0;
  std::uint64_t written_ = 0;    // rows stored or on the worker thread
  std::uint64_t filtering_ = 0;  // first row of the chunk on the worker thread
  std::unique_ptr<ChunkFilterThread> filter_;
};

}  // namespace allocsim::h5
