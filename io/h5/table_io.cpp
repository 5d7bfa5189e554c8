// Tables (io/h5/table.hpp) as compound datasets, one field per column.
#include <algorithm>
#include <cstring>

#include "io/h5/detail.hpp"
#include "io/h5/file.hpp"
#include "io/h5/table_layout.hpp"

namespace allocsim::h5 {

using detail::At;

namespace {

// Value `row` of `c` into a field at `p` (zeroed: strings are null-padded).
void pack(const Column& c, std::size_t row, unsigned char* p) {
  switch (c.type) {
    case Column::Type::u64:
      std::memcpy(p, &c.u[row], sizeof c.u[row]);
      break;
    case Column::Type::i64:
      std::memcpy(p, &c.i[row], sizeof c.i[row]);
      break;
    case Column::Type::f64:
      std::memcpy(p, &c.f[row], sizeof c.f[row]);
      break;
    case Column::Type::str:
      std::memcpy(p, c.s[row].data(), c.s[row].size());
      break;
  }
}

}  // namespace

void write_table(hid_t loc, const std::string& name, const Table& t) {
  detail::quiet();
  const At at{loc, name};
  const std::size_t rows = t.rows();  // throws std::logic_error on ragged columns
  const std::vector<Column>& cols = t.columns();
  std::vector<std::size_t> widths;  // strings: as long as the longest value
  for (const Column& c : cols) {
    std::size_t longest = 0;
    for (const std::string& s : c.s) longest = std::max(longest, s.size());
    widths.push_back(longest);
  }
  const detail::TableLayout layout = detail::create_table(at, cols, widths, rows);
  detail::write_chunked(
      layout, at, rows, [&](std::size_t first, std::size_t count, unsigned char* buf) {
        for (std::size_t r = 0; r < count; ++r)
          for (std::size_t i = 0; i < cols.size(); ++i)
            pack(cols[i], first + r, buf + r * layout.row_size + layout.offsets[i]);
      });
  detail::write_units(layout.dset.id(), cols, at);
}

namespace {

// One field as read: its column type, and where it sits in the memory row.
struct Field {
  Column::Type type;
  std::size_t offset, size;
  bool vlen = false;
};

// The memory type of a stored field: 64-bit numbers, strings as stored.
Handle memory_type(hid_t stored, const std::string& field, Field& f, const At& at) {
  switch (H5Tget_class(stored)) {
    case H5T_INTEGER:
      f.type = H5Tget_sign(stored) == H5T_SGN_NONE ? Column::Type::u64 : Column::Type::i64;
      return at.own(H5Tcopy(f.type == Column::Type::u64 ? H5T_NATIVE_UINT64 : H5T_NATIVE_INT64),
                    "cannot copy a type");
    case H5T_FLOAT:
      f.type = Column::Type::f64;
      return at.own(H5Tcopy(H5T_NATIVE_DOUBLE), "cannot copy a type");
    case H5T_STRING: {
      f.type = Column::Type::str;
      f.vlen = H5Tis_variable_str(stored) > 0;
      return at.own(H5Tcopy(stored), "cannot copy a type");  // no conversion needed
    }
    default:
      at.fail("field '" + field + "' is neither a number nor a string");
  }
}

// One value of field `f` from the memory row at `p` onto the end of `c`.
void unpack(Column& c, const Field& f, const unsigned char* p) {
  switch (f.type) {
    case Column::Type::u64:
      std::memcpy(&c.u.emplace_back(), p, sizeof c.u.back());
      break;
    case Column::Type::i64:
      std::memcpy(&c.i.emplace_back(), p, sizeof c.i.back());
      break;
    case Column::Type::f64:
      std::memcpy(&c.f.emplace_back(), p, sizeof c.f.back());
      break;
    case Column::Type::str:
      if (f.vlen) {
        const char* s;
        std::memcpy(&s, p, sizeof s);
        c.s.emplace_back(s ? s : "");
      } else {
        const char* s = reinterpret_cast<const char*>(p);
        c.s.emplace_back(s, strnlen(s, f.size));
      }
      break;
  }
}

// The "units" attribute, if there is one, into the columns.
void read_units(hid_t dset, Table& t, const At& at) {
  const htri_t has = H5Aexists(dset, "units");
  if (has < 0) at.fail("cannot look up attribute 'units'");
  if (has == 0) return;
  const std::string attr = "units";
  const At ua{at.loc, at.path, &attr};
  Handle a = ua.own(H5Aopen(dset, "units", H5P_DEFAULT), "cannot open");
  const std::vector<std::string> units = detail::read_strings(a.id(), true, ua);
  if (units.size() != t.columns().size())
    ua.fail(std::to_string(units.size()) + " units for " + std::to_string(t.columns().size()) +
            " fields");
  for (std::size_t i = 0; i < units.size(); ++i) t.columns()[i].unit = units[i];
}

}  // namespace

Table read_table(hid_t loc, const std::string& name) {
  detail::quiet();
  const At at{loc, name};
  Handle d = at.own(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "cannot open dataset");
  Handle stored = at.own(H5Dget_type(d.id()), "cannot get the type");
  if (H5Tget_class(stored.id()) != H5T_COMPOUND) at.fail("is not a table (a compound dataset)");
  Handle space = at.own(H5Dget_space(d.id()), "cannot get the dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (H5Sget_simple_extent_ndims(space.id()) > 1 || n < 0) at.fail("is not one-dimensional");
  const int members = H5Tget_nmembers(stored.id());
  if (members < 0) at.fail("cannot count the fields");

  Table t;
  std::vector<Field> fields;
  std::vector<Handle> types;
  std::vector<std::string> names;
  std::size_t row_size = 0;
  for (unsigned i = 0; i < static_cast<unsigned>(members); ++i) {
    char* raw = H5Tget_member_name(stored.id(), i);
    if (!raw) at.fail("cannot get a field name");
    names.emplace_back(raw);
    H5free_memory(raw);
    Handle member = at.own(H5Tget_member_type(stored.id(), i), "cannot get a field type");
    Field f{};
    types.push_back(memory_type(member.id(), names.back(), f, at));
    f.offset = row_size;
    f.size = H5Tget_size(types.back().id());
    row_size += f.size;
    fields.push_back(f);
    t.add(names.back(), f.type, "");
  }
  Handle mem = at.own(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(row_size, 1)),
                      "cannot create the compound type");
  for (std::size_t i = 0; i < fields.size(); ++i)
    at.ok(H5Tinsert(mem.id(), names[i].c_str(), fields[i].offset, types[i].id()),
          "cannot add field '" + names[i] + "'");

  const std::size_t rows = static_cast<std::size_t>(n);
  std::vector<unsigned char> buf(rows * row_size);
  if (rows > 0 && !fields.empty()) {
    at.ok(H5Dread(d.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
          "cannot read the rows");
    const bool vlen =
        std::any_of(fields.begin(), fields.end(), [](const Field& f) { return f.vlen; });
    detail::Reclaim free_later(mem.id(), space.id(), vlen ? buf.data() : nullptr);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      Column& c = t.columns()[i];
      for (std::size_t r = 0; r < rows; ++r)
        unpack(c, fields[i], buf.data() + r * row_size + fields[i].offset);
    }
  }

  read_units(d.id(), t, at);
  return t;
}

}  // namespace allocsim::h5
