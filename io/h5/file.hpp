#pragma once
// The HDF5 C API, wrapped for allocsim's results files: RAII handles,
// groups by slash-separated path, compound-dataset tables (io/h5/table.hpp),
// text datasets and scalar attributes. Every failure throws H5Error with the
// file and object named; HDF5's own error printing is switched off.
// Files are written reproducibly: no object timestamps.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "io/h5/table.hpp"

namespace allocsim::h5 {

// Deflate level of the tables: 1 writes the default run's results about 30 %
// faster than 4 for 3 % more bytes (bench_results).
inline constexpr unsigned kDeflateLevel = 1;

struct H5Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An owned hid_t of any kind (file, group, dataset, type, space, property list).
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  void reset();  // closes (H5Oclose/H5Fclose/H5Tclose/... by H5Iget_type)
  // Gives the id up without closing it (File::close closes it itself, to see the error).
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

class File {
 public:
  // A new file (fails if `path` exists unless `truncate`).
  static File create(const std::string& path, bool truncate = false);
  static File open(const std::string& path, bool writable);
  hid_t id() const { return h_.id(); }
  const std::string& path() const { return path_; }
  void flush();
  void close();  // closes now (errors surface here, not in a destructor)

 private:
  Handle h_;
  std::string path_;
};

// Objects are addressed by a location (a file or a group id) and a relative
// path such as "runs/a/timeseries/free_pages". Writers (write_table,
// write_text, copy) create missing parent groups, as create_groups does.
bool exists(hid_t loc, const std::string& path);           // false if any component is missing
Handle create_groups(hid_t loc, const std::string& path);  // like mkdir -p; returns the last
Handle open_group(hid_t loc, const std::string& path);
// Names of the links in a group, sorted by name.
std::vector<std::string> list(hid_t loc, const std::string& path);

// A compound dataset with one field per column (u64, i64, f64 native; strings
// fixed-length, null-padded, as long as the longest value, at least 1), one
// element per row; chunked and deflate-compressed (with shuffle); an empty
// table is a 0-row dataset that keeps its fields. Column units are stored as
// the attribute "units": a string array in field order.
void write_table(hid_t loc, const std::string& name, const Table& t);
// Reads any compound dataset whose fields are integers, floats or strings
// (integers of any width: signed into i64, unsigned into u64; floats into f64).
Table read_table(hid_t loc, const std::string& name);

// A scalar fixed-length string dataset (Linux /proc text, YAML).
void write_text(hid_t loc, const std::string& name, std::string_view text);
std::string read_text(hid_t loc, const std::string& name);

// Scalar attributes on the object at `path` relative to `loc` ("" or "." for loc itself).
void set_attr(hid_t loc, const std::string& path, const std::string& name, std::string_view v);
void set_attr(hid_t loc, const std::string& path, const std::string& name, std::uint64_t v);
void set_attr(hid_t loc, const std::string& path, const std::string& name, double v);
bool has_attr(hid_t loc, const std::string& path, const std::string& name);
std::string attr_string(hid_t loc, const std::string& path, const std::string& name);
std::uint64_t attr_u64(hid_t loc, const std::string& path, const std::string& name);
double attr_f64(hid_t loc, const std::string& path, const std::string& name);

// Copies an object (a group with everything under it) into another location,
// possibly of another file (H5Ocopy).
void copy(hid_t src_loc, const std::string& src_path, hid_t dst_loc, const std::string& dst_path);

}  // namespace allocsim::h5
