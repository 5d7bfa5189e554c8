#include "io/h5/spooled_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "io/h5/detail.hpp"
#include "io/h5/file.hpp"
#include "io/h5/table_layout.hpp"

namespace allocsim::h5 {

SpooledTable::SpooledTable(std::string what) : what_(std::move(what)) {}

SpooledTable::~SpooledTable() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t SpooledTable::add(std::string name, Column::Type type, std::string unit) {
  if (rows() > 0 || set_ > 0)
    throw std::logic_error(what_ + ": column '" + name + "' added after rows");
  for (const Column& c : columns_)
    if (c.name == name) throw std::logic_error(what_ + ": column '" + name + "' declared twice");
  columns_.push_back(Column{std::move(name), type, std::move(unit), {}, {}, {}, {}});
  strings_.emplace_back();
  return columns_.size() - 1;
}

std::uint64_t* SpooledTable::cell(std::size_t column, Column::Type type) {
  if (column != set_ || column >= columns_.size())
    throw std::logic_error(what_ + ": column " + std::to_string(column) + " set out of order");
  if (columns_[column].type != type)
    throw std::logic_error(what_ + ": column '" + columns_[column].name +
                           "' given a value of another type");
  const std::size_t cols = columns_.size();
  if (column == 0 && block_.size() < (buffered_ + 1) * cols) {
    // Grown to a block by doubling: a table of a few rows holds a few rows.
    block_rows_ = std::max<std::size_t>(1, kBlockBytes / (cols * 8));
    block_.resize(std::min(std::max(2 * block_.size(), cols), block_rows_ * cols));
  }
  ++set_;
  return &block_[buffered_ * columns_.size() + column];
}

void SpooledTable::set(std::size_t column, std::uint64_t v) {
  *cell(column, Column::Type::u64) = v;
}
void SpooledTable::set(std::size_t column, std::int64_t v) {
  std::memcpy(cell(column, Column::Type::i64), &v, sizeof v);
}
void SpooledTable::set(std::size_t column, double v) {
  std::memcpy(cell(column, Column::Type::f64), &v, sizeof v);
}
void SpooledTable::set(std::size_t column, std::string_view v) {
  std::uint64_t* c = cell(column, Column::Type::str);
  Strings& s = strings_[column];
  // Samples repeat their rows' values in the same order: try the value after
  // the last one before searching.
  if (s.next < s.values.size() && s.values[s.next] == v) {
    *c = s.next++;
    return;
  }
  auto it = s.ids.find(v);
  if (it == s.ids.end()) {
    it = s.ids.emplace(std::string(v), s.values.size()).first;
    s.values.emplace_back(v);
    s.longest = std::max(s.longest, v.size());
  }
  *c = it->second;
  s.next = it->second + 1;
}

void SpooledTable::end_row() {
  if (set_ != columns_.size())
    throw std::logic_error(what_ + ": a row with " + std::to_string(set_) + " of " +
                           std::to_string(columns_.size()) + " values");
  set_ = 0;
  if (++buffered_ == block_rows_) spill();
}

void SpooledTable::fail(const std::string& what, int err) const {
  throw H5Error(what_ + ": " + what + ": " + std::strerror(err));
}

void SpooledTable::spill() {
  if (fd_ < 0) {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) fail("no temporary directory to spool rows to ($TMPDIR)", ec.value());
    std::string path = (dir / "allocsim-spool-XXXXXX").string();
    fd_ = ::mkstemp(path.data());
    if (fd_ < 0) {
      const int err = errno;
      fail("cannot create a temporary file in " + dir.string(), err);
    }
    ::unlink(path.c_str());  // the open descriptor keeps it until closed
  }
  const auto* p = reinterpret_cast<const unsigned char*>(block_.data());
  std::size_t left = buffered_ * columns_.size() * 8;
  off_t at = static_cast<off_t>(spilled_ * columns_.size() * 8);
  while (left > 0) {
    const ssize_t n = ::pwrite(fd_, p, left, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      fail("cannot write rows to the temporary file", err);
    }
    p += n;
    at += n;
    left -= static_cast<std::size_t>(n);
  }
  spilled_ += buffered_;
  buffered_ = 0;
}

void SpooledTable::read(std::uint64_t first, std::size_t n, std::uint64_t* out) const {
  const std::size_t cols = columns_.size();
  if (first < spilled_) {
    const std::size_t from_file =
        static_cast<std::size_t>(std::min<std::uint64_t>(n, spilled_ - first));
    auto* p = reinterpret_cast<unsigned char*>(out);
    std::size_t left = from_file * cols * 8;
    off_t at = static_cast<off_t>(first * cols * 8);
    while (left > 0) {
      const ssize_t got = ::pread(fd_, p, left, at);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        const int err = got < 0 ? errno : EIO;
        fail("cannot read rows back from the temporary file", err);
      }
      p += got;
      at += got;
      left -= static_cast<std::size_t>(got);
    }
    first += from_file;
    n -= from_file;
    out += from_file * cols;
  }
  if (n > 0)
    std::copy_n(block_.begin() + static_cast<std::ptrdiff_t>((first - spilled_) * cols), n * cols,
                out);
}

void SpooledTable::write(hid_t loc, const std::string& name) const {
  detail::quiet();
  const detail::At at{loc, name};
  if (set_ != 0) throw std::logic_error(what_ + ": written with a row left incomplete");
  std::vector<std::size_t> widths;
  for (const Strings& s : strings_) widths.push_back(s.longest);
  const std::uint64_t n = rows();
  const detail::TableLayout layout = detail::create_table(at, columns_, widths, n);
  // A chunk at a time, packed as write_table packs rows.
  std::vector<std::uint64_t> cells(layout.chunk * columns_.size());
  detail::write_chunked(layout, at, static_cast<std::size_t>(n),
                        [&](std::size_t first, std::size_t count, unsigned char* buf) {
                          read(first, count, cells.data());
                          for (std::size_t r = 0; r < count; ++r)
                            for (std::size_t i = 0; i < columns_.size(); ++i) {
                              unsigned char* p = buf + r * layout.row_size + layout.offsets[i];
                              const std::uint64_t v = cells[r * columns_.size() + i];
                              if (columns_[i].type == Column::Type::str) {
                                const std::string& s = strings_[i].values[v];
                                std::memcpy(p, s.data(), s.size());
                              } else {
                                std::memcpy(p, &v, sizeof v);
                              }
                            }
                        });
  detail::write_units(layout.dset.id(), columns_, at);
}

Table SpooledTable::load() const {
  if (set_ != 0) throw std::logic_error(what_ + ": loaded with a row left incomplete");
  Table t;
  for (const Column& c : columns_) t.add(c.name, c.type, c.unit);
  const std::size_t cols = columns_.size();
  const std::uint64_t n = rows();
  std::vector<std::uint64_t> cells(std::max<std::size_t>(block_rows_, 1) * cols);
  for (std::uint64_t first = 0; first < n; first += block_rows_) {
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(block_rows_, n - first));
    read(first, count, cells.data());
    for (std::size_t r = 0; r < count; ++r)
      for (std::size_t i = 0; i < cols; ++i) {
        const std::uint64_t v = cells[r * cols + i];
        switch (columns_[i].type) {
          case Column::Type::u64:
            t.push(i, v);
            break;
          case Column::Type::i64:
            t.push_i(i, std::bit_cast<std::int64_t>(v));
            break;
          case Column::Type::f64:
            t.push_f(i, std::bit_cast<double>(v));
            break;
          case Column::Type::str:
            t.push_s(i, strings_[i].values[v]);
            break;
        }
      }
  }
  return t;
}

}  // namespace allocsim::h5
