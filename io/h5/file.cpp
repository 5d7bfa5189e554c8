// Handles, files, groups and copies (tables: table_io.cpp; text and
// attributes: scalar.cpp).
#include "io/h5/file.hpp"

#include "io/h5/detail.hpp"

namespace allocsim::h5 {

using detail::At;

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.release();
  }
  return *this;
}

void Handle::reset() {
  if (id_ < 0) return;
  detail::quiet();
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_BADID:
      break;  // closed already (the file went first) or never valid
    default:
      H5Idec_ref(id_);
      break;
  }
  H5Eclear2(H5E_DEFAULT);
  id_ = H5I_INVALID_HID;
}

namespace {

// Version 1.8 object headers and up: attributes over 64 KiB (dense storage).
Handle file_access(const std::string& path) {
  const At at{H5I_INVALID_HID, path};
  Handle fapl = at.own(H5Pcreate(H5P_FILE_ACCESS), "cannot create a property list");
  at.ok(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V18, H5F_LIBVER_LATEST),
        "cannot set the format versions");
  return fapl;
}

// File-level failures: no file id to name the file by yet.
[[noreturn]] void file_fail(const std::string& path, const std::string& what) {
  const std::string hdf5 = detail::take_hdf5_message();
  throw H5Error(path + ": " + what + (hdf5.empty() ? "" : " (" + hdf5 + ")"));
}

}  // namespace

File File::create(const std::string& path, bool truncate) {
  detail::quiet();
  const At at{H5I_INVALID_HID, path};
  // The root group is created with the file: untimed through the fcpl.
  Handle fcpl = detail::untimed(H5P_FILE_CREATE, at);
  Handle fapl = file_access(path);
  const hid_t id =
      H5Fcreate(path.c_str(), truncate ? H5F_ACC_TRUNC : H5F_ACC_EXCL, fcpl.id(), fapl.id());
  if (id < 0) file_fail(path, "cannot create file");
  File f;
  f.h_ = Handle(id);
  f.path_ = path;
  return f;
}

File File::open(const std::string& path, bool writable) {
  detail::quiet();
  Handle fapl = file_access(path);
  const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.id());
  if (id < 0) file_fail(path, "cannot open file");
  File f;
  f.h_ = Handle(id);
  f.path_ = path;
  return f;
}

void File::flush() {
  detail::quiet();
  if (H5Fflush(h_.id(), H5F_SCOPE_GLOBAL) < 0) file_fail(path_, "cannot flush file");
}

void File::close() {
  detail::quiet();
  if (h_ && H5Fclose(h_.release()) < 0) file_fail(path_, "cannot close file");
}

bool exists(hid_t loc, const std::string& path) {
  detail::quiet();
  const At at{loc, path};
  // One component at a time: H5Lexists fails, rather than says no, on "a/b"
  // when "a" is missing.
  Handle cur = at.own(H5Oopen(loc, path.starts_with('/') ? "/" : ".", H5P_DEFAULT),
                      "cannot open the location");
  const std::vector<std::string> parts = detail::components(path);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const char* name = parts[i].c_str();
    const htri_t link = H5Lexists(cur.id(), name, H5P_DEFAULT);
    if (link < 0) at.fail("cannot look up '" + parts[i] + "'");
    if (link == 0) return false;
    const htri_t obj = H5Oexists_by_name(cur.id(), name, H5P_DEFAULT);  // false: dangling link
    if (obj < 0) at.fail("cannot look up '" + parts[i] + "'");
    if (obj == 0) return false;
    if (i + 1 == parts.size()) break;
    cur = at.own(H5Oopen(cur.id(), name, H5P_DEFAULT), "cannot open '" + parts[i] + "'");
    if (H5Iget_type(cur.id()) != H5I_GROUP) return false;  // a dataset in the middle
  }
  return true;
}

Handle create_groups(hid_t loc, const std::string& path) {
  detail::quiet();
  const At at{loc, path};
  Handle gcpl = detail::untimed(H5P_GROUP_CREATE, at);
  Handle cur = at.own(H5Gopen2(loc, path.starts_with('/') ? "/" : ".", H5P_DEFAULT),
                      "cannot open the location");
  for (const std::string& part : detail::components(path)) {
    const htri_t e = H5Lexists(cur.id(), part.c_str(), H5P_DEFAULT);
    if (e < 0) at.fail("cannot look up '" + part + "'");
    // Created one by one, not with an lcpl's intermediate groups: those would be timed.
    cur = e > 0 ? at.own(H5Gopen2(cur.id(), part.c_str(), H5P_DEFAULT),
                         "cannot open group '" + part + "'")
                : at.own(H5Gcreate2(cur.id(), part.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT),
                         "cannot create group '" + part + "'");
  }
  return cur;
}

Handle open_group(hid_t loc, const std::string& path) {
  detail::quiet();
  return At{loc, path}.own(H5Gopen2(loc, detail::obj_name(path), H5P_DEFAULT), "cannot open group");
}

namespace {

herr_t collect(hid_t, const char* name, const H5L_info_t*, void* names) {
  try {
    static_cast<std::vector<std::string>*>(names)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

}  // namespace

std::vector<std::string> list(hid_t loc, const std::string& path) {
  Handle g = open_group(loc, path);
  std::vector<std::string> names;
  At{loc, path}.ok(H5Literate(g.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names),
                   "cannot list the group");
  return names;
}

void copy(hid_t src_loc, const std::string& src_path, hid_t dst_loc, const std::string& dst_path) {
  detail::quiet();
  const At src{src_loc, src_path};
  // Before the destination's parents are created: a failed copy leaves no trace.
  if (!exists(src_loc, src_path)) src.fail("cannot copy: no such object");
  const At dst{dst_loc, dst_path};
  std::string leaf;
  Handle parent = detail::parent_for_new(dst, leaf);
  src.ok(H5Ocopy(src_loc, detail::obj_name(src_path), parent.id(), leaf.c_str(), H5P_DEFAULT,
                 H5P_DEFAULT),
         "cannot copy to " + dst_path);
}

}  // namespace allocsim::h5
