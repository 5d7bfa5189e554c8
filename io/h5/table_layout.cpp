#include "io/h5/table_layout.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "io/h5/chunk_filter.hpp"

namespace allocsim::h5::detail {

namespace {

// Native 64-bit numbers; strings `width` bytes.
Handle field_type(Column::Type type, std::size_t width, const At& at) {
  switch (type) {
    case Column::Type::u64:
      return at.own(H5Tcopy(H5T_NATIVE_UINT64), "cannot copy a type");
    case Column::Type::i64:
      return at.own(H5Tcopy(H5T_NATIVE_INT64), "cannot copy a type");
    case Column::Type::f64:
      return at.own(H5Tcopy(H5T_NATIVE_DOUBLE), "cannot copy a type");
    case Column::Type::str:
      break;
  }
  return string_type(width, at);
}

// Up to 4096 rows, and at most 1 MiB (HDF5's default chunk cache) unless one row is larger.
std::size_t chunk_rows(std::size_t rows, std::size_t row_size) {
  const std::size_t by_bytes = std::max<std::size_t>(1, (std::size_t{1} << 20) / row_size);
  return std::clamp<std::size_t>(std::min(rows, by_bytes), 1, 4096);
}

}  // namespace

TableLayout create_table(const At& at, const std::vector<Column>& cols,
                         const std::vector<std::size_t>& widths, std::size_t rows) {
  if (cols.empty()) at.fail("a table needs at least one column");
  TableLayout t;
  std::vector<Handle> fields;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    fields.push_back(field_type(cols[i].type, widths[i], at));
    t.offsets.push_back(t.row_size);
    t.row_size += H5Tget_size(fields.back().id());
  }
  t.type = at.own(H5Tcreate(H5T_COMPOUND, t.row_size), "cannot create the compound type");
  for (std::size_t i = 0; i < cols.size(); ++i)
    at.ok(H5Tinsert(t.type.id(), cols[i].name.c_str(), t.offsets[i], fields[i].id()),
          "cannot add field '" + cols[i].name + "'");

  std::string leaf;
  Handle parent = parent_for_new(at, leaf);
  const hsize_t dims[1] = {rows}, maxdims[1] = {H5S_UNLIMITED};
  Handle space = at.own(H5Screate_simple(1, dims, maxdims), "cannot create a dataspace");
  Handle dcpl = untimed(H5P_DATASET_CREATE, at);
  t.chunk = chunk_rows(rows, t.row_size);
  const hsize_t chunk[1] = {t.chunk};
  at.ok(H5Pset_chunk(dcpl.id(), 1, chunk), "cannot set chunking");
  at.ok(H5Pset_shuffle(dcpl.id()), "cannot set the shuffle filter");
  at.ok(H5Pset_deflate(dcpl.id(), kDeflateLevel), "cannot set the deflate filter");
  t.dset = at.own(H5Dcreate2(parent.id(), leaf.c_str(), t.type.id(), space.id(), H5P_DEFAULT,
                             dcpl.id(), H5P_DEFAULT),
                  "cannot create dataset");
  return t;
}

void write_rows(const TableLayout& t, const At& at, std::size_t first, std::size_t count,
                const void* buf) {
  if (count == 0) return;
  Handle file_space = at.own(H5Dget_space(t.dset.id()), "cannot get the dataspace");
  const hsize_t start[1] = {first}, n[1] = {count};
  at.ok(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, n, nullptr),
        "cannot select rows");
  Handle mem_space = at.own(H5Screate_simple(1, n, nullptr), "cannot create a dataspace");
  at.ok(H5Dwrite(t.dset.id(), t.type.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, buf),
        "cannot write the rows");
}

void write_chunked(const TableLayout& t, const At& at, std::size_t rows,
                   const std::function<void(std::size_t, std::size_t, unsigned char*)>& pack) {
  std::vector<unsigned char> buf(t.chunk * t.row_size);
  if (rows <= t.chunk) {
    pack(0, rows, buf.data());
    write_rows(t, at, 0, rows, buf.data());
    return;
  }
  ChunkFilterThread filter(t.row_size);
  std::size_t filtering = 0;  // first row of the chunk on the worker thread
  auto store = [&] {
    const std::vector<unsigned char>& bytes = filter.wait();
    const hsize_t offset[1] = {filtering};
    at.ok(H5Dwrite_chunk(t.dset.id(), H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()),
          "cannot write the rows");
  };
  for (std::size_t first = 0; first < rows; first += t.chunk) {
    const std::size_t count = std::min(t.chunk, rows - first);
    pack(first, count, buf.data());
    if (!filter.idle()) store();
    if (count < t.chunk) {
      write_rows(t, at, first, count, buf.data());
      break;
    }
    filtering = first;
    filter.submit(buf);  // buf comes back zeroed
  }
  if (!filter.idle()) store();
}

void write_units(hid_t dset, const std::vector<Column>& cols, const At& at) {
  std::size_t longest = 0;
  for (const Column& c : cols) longest = std::max(longest, c.unit.size());
  Handle type = string_type(longest, at);
  const std::size_t size = std::max<std::size_t>(longest, 1);
  std::vector<char> buf(cols.size() * size);
  for (std::size_t i = 0; i < cols.size(); ++i)
    std::memcpy(buf.data() + i * size, cols[i].unit.data(), cols[i].unit.size());
  const hsize_t dims[1] = {cols.size()};
  Handle space = at.own(H5Screate_simple(1, dims, nullptr), "cannot create a dataspace");
  Handle a = at.own(H5Acreate2(dset, "units", type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                    "cannot create attribute 'units'");
  at.ok(H5Awrite(a.id(), type.id(), buf.data()), "cannot write attribute 'units'");
}

}  // namespace allocsim::h5::detail
