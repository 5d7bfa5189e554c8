// Scalar objects: text datasets and attributes.
#include <string_view>

#include "io/h5/detail.hpp"
#include "io/h5/file.hpp"

namespace allocsim::h5 {

using detail::At;

namespace {

// A fixed-length string of max(1, size) bytes: an empty text is one NUL.
std::string padded(std::string_view v) {
  return v.empty() ? std::string(1, '\0') : std::string(v);
}

// The value of a one-element string dataset or attribute.
std::string one_string(hid_t obj, bool attr, const At& at) {
  std::vector<std::string> v = detail::read_strings(obj, attr, at);
  if (v.size() != 1) at.fail("holds " + std::to_string(v.size()) + " strings, not one");
  return std::move(v.front());
}

}  // namespace

void write_text(hid_t loc, const std::string& name, std::string_view text) {
  detail::quiet();
  const At at{loc, name};
  std::string leaf;
  Handle parent = detail::parent_for_new(at, leaf);
  Handle type = detail::string_type(text.size(), at);
  Handle space = at.own(H5Screate(H5S_SCALAR), "cannot create a dataspace");
  Handle dcpl = detail::untimed(H5P_DATASET_CREATE, at);
  Handle d = at.own(H5Dcreate2(parent.id(), leaf.c_str(), type.id(), space.id(), H5P_DEFAULT,
                               dcpl.id(), H5P_DEFAULT),
                    "cannot create dataset");
  const std::string buf = padded(text);
  at.ok(H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
        "cannot write text");
}

std::string read_text(hid_t loc, const std::string& name) {
  detail::quiet();
  const At at{loc, name};
  Handle d = at.own(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "cannot open dataset");
  return one_string(d.id(), false, at);
}

namespace {

// Replaces the scalar attribute `name` with a value of `type`.
void put_attr(hid_t loc, const std::string& path, const std::string& name, hid_t type,
              const void* value) {
  detail::quiet();
  const At at{loc, path, &name};
  const char* obj = detail::obj_name(path);
  const htri_t e = H5Aexists_by_name(loc, obj, name.c_str(), H5P_DEFAULT);
  if (e < 0) at.fail("cannot look it up");
  if (e > 0) at.ok(H5Adelete_by_name(loc, obj, name.c_str(), H5P_DEFAULT), "cannot delete it");
  Handle space = at.own(H5Screate(H5S_SCALAR), "cannot create a dataspace");
  Handle a = at.own(H5Acreate_by_name(loc, obj, name.c_str(), type, space.id(), H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT),
                    "cannot create");
  at.ok(H5Awrite(a.id(), type, value), "cannot write");
}

// Opens an existing attribute; a missing one is an error naming it.
Handle open_attr(const At& at) {
  detail::quiet();
  const char* obj = detail::obj_name(at.path);
  const htri_t e = H5Aexists_by_name(at.loc, obj, at.attr->c_str(), H5P_DEFAULT);
  if (e < 0) at.fail("cannot look it up");
  if (e == 0) at.fail("missing");
  return at.own(H5Aopen_by_name(at.loc, obj, at.attr->c_str(), H5P_DEFAULT, H5P_DEFAULT),
                "cannot open");
}

// Reads a one-element numeric attribute of an accepted class, converted to `mem`.
template <typename T>
T read_number(const At& at, hid_t mem, bool float_ok) {
  Handle a = open_attr(at);
  Handle type = at.own(H5Aget_type(a.id()), "cannot get the type");
  const H5T_class_t cls = H5Tget_class(type.id());
  if (cls != H5T_INTEGER && !(float_ok && cls == H5T_FLOAT))
    at.fail(float_ok ? "is not a number" : "is not an integer");
  Handle space = at.own(H5Aget_space(a.id()), "cannot get the dataspace");
  if (H5Sget_simple_extent_npoints(space.id()) != 1) at.fail("is not a scalar");
  T v{};
  at.ok(H5Aread(a.id(), mem, &v), "cannot read");
  return v;
}

}  // namespace

void set_attr(hid_t loc, const std::string& path, const std::string& name, std::string_view v) {
  detail::quiet();
  Handle type = detail::string_type(v.size(), At{loc, path, &name});
  put_attr(loc, path, name, type.id(), padded(v).data());
}

void set_attr(hid_t loc, const std::string& path, const std::string& name, std::uint64_t v) {
  put_attr(loc, path, name, H5T_NATIVE_UINT64, &v);
}

void set_attr(hid_t loc, const std::string& path, const std::string& name, double v) {
  put_attr(loc, path, name, H5T_NATIVE_DOUBLE, &v);
}

bool has_attr(hid_t loc, const std::string& path, const std::string& name) {
  detail::quiet();
  const htri_t e = H5Aexists_by_name(loc, detail::obj_name(path), name.c_str(), H5P_DEFAULT);
  if (e < 0) At{loc, path, &name}.fail("cannot look it up");
  return e > 0;
}

std::string attr_string(hid_t loc, const std::string& path, const std::string& name) {
  const At at{loc, path, &name};
  Handle a = open_attr(at);
  return one_string(a.id(), true, at);
}

std::uint64_t attr_u64(hid_t loc, const std::string& path, const std::string& name) {
  return read_number<std::uint64_t>(At{loc, path, &name}, H5T_NATIVE_UINT64, false);
}

double attr_f64(hid_t loc, const std::string& path, const std::string& name) {
  return read_number<double>(At{loc, path, &name}, H5T_NATIVE_DOUBLE, true);
}

}  // namespace allocsim::h5
