#include "io/h5/table_append.hpp"

#include <algorithm>
#include <cstring>

#include "io/h5/detail.hpp"

namespace allocsim::h5 {

using detail::At;

TableAppender::TableAppender(hid_t loc, const std::string& name, std::vector<ColumnSpec> columns)
    : path_(name), columns_(std::move(columns)) {
  detail::quiet();
  const At at{loc, path_};
  if (columns_.empty()) at.fail("a table needs at least one column");
  std::vector<Handle> fields;
  for (const ColumnSpec& c : columns_) {
    switch (c.type) {
      case Column::Type::u64:
        fields.push_back(at.own(H5Tcopy(H5T_NATIVE_UINT64), "cannot copy a type"));
        break;
      case Column::Type::i64:
        fields.push_back(at.own(H5Tcopy(H5T_NATIVE_INT64), "cannot copy a type"));
        break;
      case Column::Type::f64:
        fields.push_back(at.own(H5Tcopy(H5T_NATIVE_DOUBLE), "cannot copy a type"));
        break;
      case Column::Type::str:
        fields.push_back(detail::string_type(c.width, at));
        break;
    }
    offsets_.push_back(row_size_);
    row_size_ += H5Tget_size(fields.back().id());
  }
  type_ = at.own(H5Tcreate(H5T_COMPOUND, row_size_), "cannot create the compound type");
  for (std::size_t i = 0; i < columns_.size(); ++i)
    at.ok(H5Tinsert(type_.id(), columns_[i].name.c_str(), offsets_[i], fields[i].id()),
          "cannot add field '" + columns_[i].name + "'");

  // Chunks as write_table makes them: up to 4096 rows and 1 MiB.
  chunk_rows_ = std::clamp<std::size_t>((std::size_t{1} << 20) / row_size_, 1, 4096);
  buf_.assign(chunk_rows_ * row_size_, 0);
  filter_ = std::make_unique<ChunkFilterThread>(row_size_);
  std::string leaf;
  Handle parent = detail::parent_for_new(at, leaf);
  const hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED};
  Handle space = at.own(H5Screate_simple(1, dims, maxdims), "cannot create a dataspace");
  Handle dcpl = detail::untimed(H5P_DATASET_CREATE, at);
  const hsize_t chunk[1] = {chunk_rows_};
  at.ok(H5Pset_chunk(dcpl.id(), 1, chunk), "cannot set chunking");
  at.ok(H5Pset_shuffle(dcpl.id()), "cannot set the shuffle filter");
  at.ok(H5Pset_deflate(dcpl.id(), kDeflateLevel), "cannot set the deflate filter");
  dset_ = at.own(H5Dcreate2(parent.id(), leaf.c_str(), type_.id(), space.id(), H5P_DEFAULT,
                            dcpl.id(), H5P_DEFAULT),
                 "cannot create dataset");

  // "units": one fixed-length string per field, as write_table writes it.
  std::size_t longest = 0;
  for (const ColumnSpec& c : columns_) longest = std::max(longest, c.unit.size());
  Handle utype = detail::string_type(longest, at);
  const std::size_t usize = std::max<std::size_t>(longest, 1);
  std::vector<char> units(columns_.size() * usize, 0);
  for (std::size_t i = 0; i < columns_.size(); ++i)
    std::memcpy(units.data() + i * usize, columns_[i].unit.data(), columns_[i].unit.size());
  const hsize_t udims[1] = {columns_.size()};
  Handle uspace = at.own(H5Screate_simple(1, udims, nullptr), "cannot create a dataspace");
  Handle a =
      at.own(H5Acreate2(dset_.id(), "units", utype.id(), uspace.id(), H5P_DEFAULT, H5P_DEFAULT),
             "cannot create attribute 'units'");
  at.ok(H5Awrite(a.id(), utype.id(), units.data()), "cannot write attribute 'units'");
}

void TableAppender::put(std::size_t column, const void* v, std::size_t n) {
  std::memcpy(buf_.data() + buffered_ * row_size_ + offsets_[column], v, n);
}

void TableAppender::set(std::size_t column, std::string_view v) {
  unsigned char* p = buf_.data() + buffered_ * row_size_ + offsets_[column];
  const std::size_t width = std::max<std::size_t>(columns_[column].width, 1);
  const std::size_t n = std::min(v.size(), width);
  if (n) std::memcpy(p, v.data(), n);  // an empty view may have no data (memcpy from null is UB)
  std::memset(p + n, 0, width - n);
}

void TableAppender::end_row() {
  if (++buffered_ < chunk_rows_) return;
  if (written_ % chunk_rows_) {  // after a flush of part of a chunk: through H5Dwrite
    flush();
    return;
  }
  if (!filter_->idle()) store_filtered();
  filtering_ = written_;
  filter_->submit(buf_);  // buf_ comes back zeroed
  written_ += buffered_;
  buffered_ = 0;
}

void TableAppender::extend(std::uint64_t rows) {
  const hsize_t size[1] = {rows};
  At{dset_.id(), path_}.ok(H5Dset_extent(dset_.id(), size), "cannot extend the table");
}

void TableAppender::store_filtered() {
  const std::vector<unsigned char>& bytes = filter_->wait();
  extend(filtering_ + chunk_rows_);
  const hsize_t offset[1] = {filtering_};
  At{dset_.id(), path_}.ok(
      H5Dwrite_chunk(dset_.id(), H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()),
      "cannot write the rows");
}

void TableAppender::flush() {
  if (!filter_->idle()) store_filtered();
  if (buffered_ == 0) return;
  const At at{dset_.id(), path_};
  extend(written_ + buffered_);
  Handle file_space = at.own(H5Dget_space(dset_.id()), "cannot get the dataspace");
  const hsize_t start[1] = {written_}, count[1] = {buffered_};
  at.ok(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        "cannot select the new rows");
  Handle mem_space = at.own(H5Screate_simple(1, count, nullptr), "cannot create a dataspace");
  at.ok(H5Dwrite(dset_.id(), type_.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, buf_.data()),
        "cannot write the rows");
  written_ += buffered_;
  buffered_ = 0;
  std::fill(buf_.begin(), buf_.end(), 0);
}

}  // namespace allocsim::h5
