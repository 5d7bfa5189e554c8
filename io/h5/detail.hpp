#pragma once
// Shared by the io/h5 sources (not part of the wrapper's interface): errors
// that name the file and object, untimed creation property lists, string
// types and string reads, path splitting.
#include <hdf5.h>

#include <cstddef>
#include <string>
#include <vector>

#include "io/h5/file.hpp"

namespace allocsim::h5::detail {

// Switches HDF5's error printing off for the calling thread (the thread-safe
// library keeps one error stack, with its printing setting, per thread).
void quiet();

// Where an operation acts: `path` relative to `loc` (and its attribute
// `attr`, if any). Failures throw H5Error
// "<file>: <object>: [attribute '<attr>': ]<what> (<HDF5's innermost message>)".
struct At {
  hid_t loc;
  const std::string& path;
  const std::string* attr = nullptr;

  [[noreturn]] void fail(const std::string& what) const;
  void ok(herr_t r, const std::string& what) const {
    if (r < 0) fail(what);
  }
  Handle own(hid_t id, const std::string& what) const {
    if (id < 0) fail(what);
    return Handle(id);
  }
};

// HDF5's innermost error message on this thread's stack, then clears it.
std::string take_hdf5_message();

// Path components, without empty and "." ones.
std::vector<std::string> components(const std::string& path);
// "a/b/c" -> "a/b" and "c".
void split_parent(const std::string& path, std::string& parent, std::string& leaf);
// The obj_name argument of the *_by_name calls: "." for loc itself.
inline const char* obj_name(const std::string& path) {
  return path.empty() ? "." : path.c_str();
}

// A creation property list of class `cls` (file, group, dataset) that stores
// no object times, so identical writes give identical bytes.
Handle untimed(hid_t cls, const At& at);
// A fixed-length, null-padded UTF-8 string type of max(1, size) bytes.
Handle string_type(std::size_t size, const At& at);
// The parent of a new object at `at.path` (created if missing); fails if the
// object exists already.
Handle parent_for_new(const At& at, std::string& leaf);

// Frees the variable-length data a successful read allocated into `buf`
// (described by memory type `type` over `space`); nothing if `buf` is null.
class Reclaim {
 public:
  Reclaim(hid_t type, hid_t space, void* buf) : type_(type), space_(space), buf_(buf) {}
  Reclaim(const Reclaim&) = delete;
  Reclaim& operator=(const Reclaim&) = delete;
  ~Reclaim();

 private:
  hid_t type_, space_;
  void* buf_;
};

// Every element of a string dataset (attr false) or attribute (attr true),
// fixed-length (cut at the first NUL) or variable-length.
std::vector<std::string> read_strings(hid_t obj, bool attr, const At& at);

}  // namespace allocsim::h5::detail
