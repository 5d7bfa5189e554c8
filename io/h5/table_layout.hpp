#pragma once
// The dataset write_table makes for a table (io/h5/file.hpp), shared by the
// writers of tables held in memory and of spooled ones, so both give the
// same fields, chunks, filters and units for the same rows.
#include <hdf5.h>

#include <cstddef>
#include <functional>
#include <vector>

#include "io/h5/detail.hpp"

namespace allocsim::h5::detail {

struct TableLayout {
  Handle dset, type;                 // the new dataset and its compound type
  std::vector<std::size_t> offsets;  // each field's offset in a row
  std::size_t row_size = 0;          // bytes of a row
  std::size_t chunk = 0;             // rows of a chunk
};

// Creates the dataset of `rows` rows with a field per column of `cols` (their
// names and types; a string column `widths[i]` bytes wide, at least 1).
TableLayout create_table(const At& at, const std::vector<Column>& cols,
                         const std::vector<std::size_t>& widths, std::size_t rows);
// Rows first .. first + count - 1, packed as the layout's rows in `buf`.
void write_rows(const TableLayout& t, const At& at, std::size_t first, std::size_t count,
                const void* buf);
// All `rows` rows, a chunk at a time: `pack(first, count, buf)` packs rows
// first .. first + count - 1 into `buf`, which is zeroed (strings null-padded).
// A table of more than one chunk has its whole chunks filtered on a worker
// thread (chunk_filter.hpp) while the next is packed, and stored with
// H5Dwrite_chunk; a one-chunk table and a last part-chunk go through H5Dwrite.
// Every table writer uses this, so the same rows give the same file bytes.
void write_chunked(const TableLayout& t, const At& at, std::size_t rows,
                   const std::function<void(std::size_t, std::size_t, unsigned char*)>& pack);
// "units": one fixed-length string per field, in field order.
void write_units(hid_t dset, const std::vector<Column>& cols, const At& at);

}  // namespace allocsim::h5::detail
