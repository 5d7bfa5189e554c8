#include "io/h5/detail.hpp"

#include <algorithm>
#include <cstring>

namespace allocsim::h5::detail {
namespace {

// H5Fget_name / H5Iget_name: ask for the length, then the name.
template <typename Get>
std::string name_of(Get get, hid_t id) {
  const ssize_t n = get(id, nullptr, 0);
  if (n < 0) return {};
  std::vector<char> buf(static_cast<std::size_t>(n) + 1);
  if (get(id, buf.data(), buf.size()) < 0) return {};
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

// The object's path in its file, without the leading slash ("/" for the root).
std::string object_name(hid_t loc, const std::string& path) {
  std::string full = path.starts_with('/') ? std::string() : name_of(H5Iget_name, loc);
  full += '/';
  full += path;
  std::string out;
  for (const std::string& c : components(full)) out += (out.empty() ? "" : "/") + c;
  return out.empty() ? "/" : out;
}

herr_t innermost(unsigned n, const H5E_error2_t* e, void* data) {
  try {
    if (n == 0 && e->desc) static_cast<std::string*>(data)->assign(e->desc);
  } catch (...) {
  }
  return 0;
}

}  // namespace

void quiet() {
  thread_local const bool off = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
  (void)off;
}

std::string take_hdf5_message() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &msg);
  H5Eclear2(H5E_DEFAULT);
  return msg;
}

void At::fail(const std::string& what) const {
  // First: every other API call clears this thread's error stack.
  const std::string hdf5 = take_hdf5_message();
  std::string file = name_of(H5Fget_name, loc);
  H5Eclear2(H5E_DEFAULT);
  if (file.empty()) file = "<no file>";
  const std::string attribute = attr ? "attribute '" + *attr + "': " : "";
  throw H5Error(file + ": " + object_name(loc, path) + ": " + attribute + what +
                (hdf5.empty() ? "" : " (" + hdf5 + ")"));
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = std::min(path.find('/', start), path.size());
    std::string c = path.substr(start, end - start);
    if (!c.empty() && c != ".") out.push_back(std::move(c));
    start = end + 1;
  }
  return out;
}

void split_parent(const std::string& path, std::string& parent, std::string& leaf) {
  std::vector<std::string> c = components(path);
  parent.assign(path.starts_with('/') ? 1 : 0, '/');
  leaf = c.empty() ? "" : c.back();
  for (std::size_t i = 0; i + 1 < c.size(); ++i) parent += c[i] + "/";
}

Handle untimed(hid_t cls, const At& at) {
  Handle p = at.own(H5Pcreate(cls), "cannot create a property list");
  at.ok(H5Pset_obj_track_times(p.id(), false), "cannot switch object times off");
  return p;
}

Handle string_type(std::size_t size, const At& at) {
  Handle t = at.own(H5Tcopy(H5T_C_S1), "cannot copy the string type");
  at.ok(H5Tset_size(t.id(), std::max<std::size_t>(size, 1)), "cannot size a string type");
  at.ok(H5Tset_strpad(t.id(), H5T_STR_NULLPAD), "cannot set string padding");
  at.ok(H5Tset_cset(t.id(), H5T_CSET_UTF8), "cannot set the character set");
  return t;
}

Handle parent_for_new(const At& at, std::string& leaf) {
  std::string parent;
  split_parent(at.path, parent, leaf);
  if (leaf.empty()) at.fail("a new object needs a name");
  Handle p = create_groups(at.loc, parent);
  const htri_t e = H5Lexists(p.id(), leaf.c_str(), H5P_DEFAULT);
  if (e < 0) at.fail("cannot look the name up");
  if (e > 0) at.fail("already exists");
  return p;
}

Reclaim::~Reclaim() {
  if (buf_) H5Dvlen_reclaim(type_, space_, H5P_DEFAULT, buf_);
}

std::vector<std::string> read_strings(hid_t obj, bool attr, const At& at) {
  Handle type = at.own(attr ? H5Aget_type(obj) : H5Dget_type(obj), "cannot get the type");
  if (H5Tget_class(type.id()) != H5T_STRING) at.fail("is not a string");
  Handle space = at.own(attr ? H5Aget_space(obj) : H5Dget_space(obj), "cannot get the dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0) at.fail("cannot count the elements");
  auto read = [&](hid_t mem, void* buf) {
    at.ok(attr ? H5Aread(obj, mem, buf) : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf),
          "cannot read");
  };
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  if (n == 0) return out;
  const htri_t vlen = H5Tis_variable_str(type.id());
  if (vlen < 0) at.fail("cannot inspect the string type");
  if (vlen > 0) {
    Handle mem = at.own(H5Tcopy(H5T_C_S1), "cannot copy the string type");
    at.ok(H5Tset_size(mem.id(), H5T_VARIABLE), "cannot size a string type");
    // Strings do not convert between ASCII and UTF-8: keep the stored set.
    at.ok(H5Tset_cset(mem.id(), H5Tget_cset(type.id())), "cannot set the character set");
    std::vector<char*> p(static_cast<std::size_t>(n), nullptr);
    read(mem.id(), p.data());
    Reclaim free_later(mem.id(), space.id(), p.data());
    for (const char* s : p) out.emplace_back(s ? s : "");
  } else {
    const std::size_t size = H5Tget_size(type.id());
    std::vector<char> buf(static_cast<std::size_t>(n) * size);
    read(type.id(), buf.data());
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      const char* s = buf.data() + i * size;
      out.emplace_back(s, strnlen(s, size));
    }
  }
  return out;
}

}  // namespace allocsim::h5::detail
