// The HDF5 wrapper (io/h5/file.hpp): tables, text, attributes, groups and
// copies round trip through real files, which are checked with the C API.
#include "io/h5/file.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace allocsim::h5 {
namespace {

namespace fs = std::filesystem;
using Type = Column::Type;

class H5Test : public testing::ScratchDir {};

// The message of the H5Error `f` throws.
template <typename F>
std::string h5_error(F f) {
  try {
    f();
  } catch (const H5Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no H5Error thrown";
  return {};
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Four rows of every column type, with the extremes of each.
Table all_types() {
  Table t;
  const std::size_t u = t.add("pages", Type::u64, "pages");
  const std::size_t i = t.add("delta", Type::i64, "ns");
  const std::size_t f = t.add("ratio", Type::f64, "1");
  const std::size_t s = t.add("zone", Type::str, "");
  const std::uint64_t us[] = {0, 1, 4096, std::numeric_limits<std::uint64_t>::max()};
  const std::int64_t is[] = {std::numeric_limits<std::int64_t>::min(), -1, 0, 42};
  const double fs[] = {0.1, -2.5e-300, std::numeric_limits<double>::infinity(), 1e300};
  const char* ss[] = {"DMA", "", "Normal", "Movable zone"};
  for (int r = 0; r < 4; ++r) {
    t.push(u, us[r]);
    t.push_i(i, is[r]);
    t.push_f(f, fs[r]);
    t.push_s(s, ss[r]);
  }
  return t;
}

void expect_same(const Table& a, const Table& b) {
  ASSERT_EQ(a.columns().size(), b.columns().size());
  for (std::size_t k = 0; k < a.columns().size(); ++k) {
    const Column& x = a.columns()[k];
    const Column& y = b.columns()[k];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type) << x.name;
    EXPECT_EQ(x.unit, y.unit) << x.name;
    EXPECT_EQ(x.u, y.u) << x.name;
    EXPECT_EQ(x.i, y.i) << x.name;
    EXPECT_EQ(x.f, y.f) << x.name;
    EXPECT_EQ(x.s, y.s) << x.name;
  }
}

TEST_F(H5Test, TableRoundTripsEveryColumnType) {
  const Table t = all_types();
  File f = File::create(path("t.h5"));
  write_table(f.id(), "runs/a/summary", t);  // the parent groups are created
  f.close();

  File r = File::open(path("t.h5"), false);
  const Table back = read_table(r.id(), "runs/a/summary");
  expect_same(t, back);
  EXPECT_EQ(back.rows(), 4u);
  ASSERT_NE(back.find("zone"), nullptr);
  EXPECT_EQ(back.find("zone")->s[3], "Movable zone");
}

TEST_F(H5Test, TableIsACompoundOfNativeFieldsWithAUnitsAttribute) {
  File f = File::create(path("t.h5"));
  write_table(f.id(), "summary", all_types());
  Handle d(H5Dopen2(f.id(), "summary", H5P_DEFAULT));
  ASSERT_TRUE(d);
  Handle type(H5Dget_type(d.id()));
  ASSERT_EQ(H5Tget_class(type.id()), H5T_COMPOUND);
  ASSERT_EQ(H5Tget_nmembers(type.id()), 4);
  const char* names[] = {"pages", "delta", "ratio", "zone"};
  const H5T_class_t classes[] = {H5T_INTEGER, H5T_INTEGER, H5T_FLOAT, H5T_STRING};
  std::size_t offset = 0;
  for (unsigned k = 0; k < 4; ++k) {
    char* name = H5Tget_member_name(type.id(), k);
    EXPECT_STREQ(name, names[k]);
    H5free_memory(name);
    EXPECT_EQ(H5Tget_member_class(type.id(), k), classes[k]) << names[k];
    EXPECT_EQ(H5Tget_member_offset(type.id(), k), offset) << "packed";
    Handle m(H5Tget_member_type(type.id(), k));
    offset += H5Tget_size(m.id());
  }
  EXPECT_EQ(H5Tget_size(type.id()), offset);
  Handle zone(H5Tget_member_type(type.id(), 3));
  EXPECT_EQ(H5Tget_size(zone.id()), std::string("Movable zone").size()) << "the longest value";
  EXPECT_EQ(H5Tis_variable_str(zone.id()), 0);
  Handle u(H5Tget_member_type(type.id(), 0));
  EXPECT_EQ(H5Tget_sign(u.id()), H5T_SGN_NONE);
  EXPECT_EQ(H5Tget_size(u.id()), 8u);
  Handle i(H5Tget_member_type(type.id(), 1));
  EXPECT_EQ(H5Tget_sign(i.id()), H5T_SGN_2);

  Handle units(H5Aopen(d.id(), "units", H5P_DEFAULT));
  ASSERT_TRUE(units);
  Handle space(H5Aget_space(units.id()));
  EXPECT_EQ(H5Sget_simple_extent_npoints(space.id()), 4);
  Handle utype(H5Aget_type(units.id()));
  EXPECT_EQ(H5Tget_class(utype.id()), H5T_STRING);
  EXPECT_EQ(H5Tget_size(utype.id()), 5u) << "\"pages\"";
}

TEST_F(H5Test, UnicodeAndLongStrings) {
  Table t;
  const std::size_t s = t.add("text", Type::str, "µs");
  const std::string long_value(70000, 'x');
  const std::vector<std::string> values = {"Grüße ✓ 日本語", long_value, "", "a"};
  for (const std::string& v : values) t.push_s(s, v);
  File f = File::create(path("u.h5"));
  write_table(f.id(), "strings", t);
  const Table back = read_table(f.id(), "strings");
  expect_same(t, back);
  EXPECT_EQ(back.columns()[0].unit, "µs");
}

TEST_F(H5Test, EmptyTableKeepsItsFields) {
  Table t;
  t.add("cpu", Type::u64, "1");
  t.add("latency", Type::f64, "ns");
  t.add("name", Type::str, "");
  File f = File::create(path("e.h5"));
  write_table(f.id(), "empty", t);
  Handle d(H5Dopen2(f.id(), "empty", H5P_DEFAULT));
  Handle space(H5Dget_space(d.id()));
  EXPECT_EQ(H5Sget_simple_extent_npoints(space.id()), 0);
  d.reset();

  const Table back = read_table(f.id(), "empty");
  expect_same(t, back);
  EXPECT_EQ(back.rows(), 0u);
  EXPECT_EQ(back.columns()[2].type, Type::str);
}

TEST_F(H5Test, LargeTableIsChunkedAndCompressed) {
  Table t;
  const std::size_t a = t.add("t", Type::u64, "cycles");
  const std::size_t b = t.add("free", Type::i64, "pages");
  const std::size_t c = t.add("frag", Type::f64, "1");
  const std::size_t n = 10000;
  for (std::size_t r = 0; r < n; ++r) {
    t.push(a, r * 1000);
    t.push_i(b, 1000000 - static_cast<std::int64_t>(r));
    t.push_f(c, static_cast<double>(r % 7) / 8);
  }
  File f = File::create(path("big.h5"));
  write_table(f.id(), "timeseries", t);

  Handle d(H5Dopen2(f.id(), "timeseries", H5P_DEFAULT));
  Handle dcpl(H5Dget_create_plist(d.id()));
  ASSERT_EQ(H5Pget_layout(dcpl.id()), H5D_CHUNKED);
  hsize_t chunk[1] = {0};
  ASSERT_EQ(H5Pget_chunk(dcpl.id(), 1, chunk), 1);
  EXPECT_EQ(chunk[0], 4096u);
  ASSERT_EQ(H5Pget_nfilters(dcpl.id()), 2);
  unsigned flags = 0, level[1] = {0};
  std::size_t nlevel = 1;
  char name[64];
  unsigned config = 0;
  EXPECT_EQ(H5Pget_filter2(dcpl.id(), 0, &flags, nullptr, nullptr, 0, nullptr, &config),
            H5Z_FILTER_SHUFFLE);
  EXPECT_EQ(H5Pget_filter2(dcpl.id(), 1, &flags, &nlevel, level, sizeof name, name, &config),
            H5Z_FILTER_DEFLATE);
  EXPECT_EQ(level[0], kDeflateLevel);
  Handle space(H5Dget_space(d.id()));
  hsize_t dims[1], maxdims[1];
  ASSERT_EQ(H5Sget_simple_extent_dims(space.id(), dims, maxdims), 1);
  EXPECT_EQ(dims[0], n);
  EXPECT_EQ(maxdims[0], H5S_UNLIMITED);
  EXPECT_LT(H5Dget_storage_size(d.id()), n * 24 / 2) << "compressed";
  d.reset();

  expect_same(t, read_table(f.id(), "timeseries"));
}

TEST_F(H5Test, RaggedColumnsThrowBeforeWriting) {
  Table t;
  const std::size_t a = t.add("a", Type::u64, "");
  t.add("b", Type::f64, "");
  t.push(a, 1);
  File f = File::create(path("r.h5"));
  EXPECT_THROW(write_table(f.id(), "ragged", t), std::logic_error);
  EXPECT_FALSE(exists(f.id(), "ragged"));
  EXPECT_THROW(write_table(f.id(), "none", Table{}), H5Error) << "no columns";
}

TEST_F(H5Test, WritingOverAnExistingObjectThrows) {
  File f = File::create(path("x.h5"));
  write_table(f.id(), "runs/a/summary", all_types());
  const std::string msg = h5_error([&] { write_table(f.id(), "runs/a/summary", all_types()); });
  EXPECT_NE(msg.find(path("x.h5") + ": runs/a/summary: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("exists"), std::string::npos) << msg;
  EXPECT_THROW(write_text(f.id(), "runs/a/summary", "x"), H5Error);
  EXPECT_THROW(write_text(f.id(), "runs", "x"), H5Error) << "a group";
}

// Field widths and layouts the wrapper does not write itself (h5py, other tools).
TEST_F(H5Test, ReadTableConvertsOtherWidthsAndVariableLengthStrings) {
  struct Row {
    std::int32_t i;
    std::uint16_t u;
    float f;
    const char* s;
  };
  Row rows[] = {{-7, 65535, 0.5f, "first"}, {2147483647, 0, -1.25f, "ünïcode"}};
  Handle vstr(H5Tcopy(H5T_C_S1));
  H5Tset_size(vstr.id(), H5T_VARIABLE);
  H5Tset_cset(vstr.id(), H5T_CSET_UTF8);
  Handle type(H5Tcreate(H5T_COMPOUND, sizeof(Row)));
  H5Tinsert(type.id(), "i", HOFFSET(Row, i), H5T_NATIVE_INT32);
  H5Tinsert(type.id(), "u", HOFFSET(Row, u), H5T_NATIVE_UINT16);
  H5Tinsert(type.id(), "f", HOFFSET(Row, f), H5T_NATIVE_FLOAT);
  H5Tinsert(type.id(), "s", HOFFSET(Row, s), vstr.id());
  File f = File::create(path("o.h5"));
  const hsize_t dims[1] = {2};
  Handle space(H5Screate_simple(1, dims, nullptr));
  Handle d(
      H5Dcreate2(f.id(), "other", type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  ASSERT_GE(H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows), 0);
  d.reset();

  const Table t = read_table(f.id(), "other");
  ASSERT_EQ(t.columns().size(), 4u);
  EXPECT_EQ(t.columns()[0].type, Type::i64);
  EXPECT_EQ(t.columns()[0].i, (std::vector<std::int64_t>{-7, 2147483647}));
  EXPECT_EQ(t.columns()[1].type, Type::u64);
  EXPECT_EQ(t.columns()[1].u, (std::vector<std::uint64_t>{65535, 0}));
  EXPECT_EQ(t.columns()[2].type, Type::f64);
  EXPECT_EQ(t.columns()[2].f, (std::vector<double>{0.5, -1.25}));
  EXPECT_EQ(t.columns()[3].type, Type::str);
  EXPECT_EQ(t.columns()[3].s, (std::vector<std::string>{"first", "ünïcode"}));
  for (const Column& c : t.columns()) EXPECT_EQ(c.unit, "") << "no units attribute";

  write_text(f.id(), "text", "not a table");
  EXPECT_THROW(read_table(f.id(), "text"), H5Error);
  EXPECT_THROW(read_table(f.id(), "missing"), H5Error);
}

TEST_F(H5Test, TextRoundTrips) {
  const std::string yaml = "machine:\n  cpus: 4\n  name: \"Grüße\"\n\n";
  File f = File::create(path("text.h5"));
  write_text(f.id(), "config/yaml", yaml);
  write_text(f.id(), "config/empty", "");
  write_text(f.id(), "proc/meminfo", "MemTotal:       16384 kB\n");
  f.close();
  File r = File::open(path("text.h5"), false);
  EXPECT_EQ(read_text(r.id(), "config/yaml"), yaml);
  EXPECT_EQ(read_text(r.id(), "config/empty"), "");
  EXPECT_EQ(read_text(r.id(), "proc/meminfo"), "MemTotal:       16384 kB\n");
  EXPECT_THROW(read_text(r.id(), "config"), H5Error) << "a group";
}

TEST_F(H5Test, AttributesRoundTripAndReplace) {
  File f = File::create(path("a.h5"));
  create_groups(f.id(), "runs/a");
  write_table(f.id(), "runs/a/summary", all_types());

  set_attr(f.id(), "", "version", std::string_view("0.1.0"));
  set_attr(f.id(), ".", "seed", std::uint64_t{18446744073709551615u});
  set_attr(f.id(), "runs/a", "ratio", 0.125);
  set_attr(f.id(), "runs/a/summary", "empty", std::string_view(""));
  set_attr(f.id(), "runs/a", "count", std::uint64_t{3});
  f.close();

  File w = File::open(path("a.h5"), true);
  EXPECT_EQ(attr_string(w.id(), ".", "version"), "0.1.0");
  EXPECT_EQ(attr_u64(w.id(), "", "seed"), 18446744073709551615u);
  EXPECT_EQ(attr_f64(w.id(), "runs/a", "ratio"), 0.125);
  EXPECT_EQ(attr_f64(w.id(), "runs/a", "count"), 3.0) << "an integer read as a float";
  EXPECT_EQ(attr_string(w.id(), "runs/a/summary", "empty"), "");
  Handle g = open_group(w.id(), "runs");
  EXPECT_EQ(attr_f64(g.id(), "a", "ratio"), 0.125) << "relative to a group";
  EXPECT_TRUE(has_attr(w.id(), "", "seed"));
  EXPECT_FALSE(has_attr(w.id(), "runs/a", "seed"));

  // Replacing changes the value and may change the type.
  set_attr(w.id(), "runs/a", "ratio", 0.5);
  EXPECT_EQ(attr_f64(w.id(), "runs/a", "ratio"), 0.5);
  set_attr(w.id(), "runs/a", "ratio", std::string_view("half"));
  EXPECT_EQ(attr_string(w.id(), "runs/a", "ratio"), "half");
  set_attr(w.id(), "", "version", std::string_view("0.2.0-longer"));
  EXPECT_EQ(attr_string(w.id(), "", "version"), "0.2.0-longer");

  Handle a(H5Aopen_by_name(w.id(), ".", "seed", H5P_DEFAULT, H5P_DEFAULT));
  Handle t(H5Aget_type(a.id()));
  EXPECT_TRUE(H5Tequal(t.id(), H5T_STD_U64LE) > 0);
  Handle space(H5Aget_space(a.id()));
  EXPECT_EQ(H5Sget_simple_extent_type(space.id()), H5S_SCALAR);

  const std::string missing = h5_error([&] { attr_u64(w.id(), "runs/a", "nope"); });
  EXPECT_NE(missing.find("'nope'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("runs/a"), std::string::npos) << missing;
  EXPECT_THROW(attr_u64(w.id(), "runs/a", "ratio"), H5Error) << "a string";
  EXPECT_THROW(attr_u64(w.id(), "", "version"), H5Error);
  EXPECT_THROW(attr_string(w.id(), "", "seed"), H5Error) << "a number";
  EXPECT_THROW(set_attr(w.id(), "no/such", "x", 1.0), H5Error);
}

TEST_F(H5Test, LargeStringAttribute) {
  std::string big(200 * 1024, ' ');
  for (std::size_t k = 0; k < big.size(); ++k) big[k] = static_cast<char>('a' + k % 26);
  File f = File::create(path("big_attr.h5"));
  set_attr(f.id(), "", "config", std::string_view(big));
  create_groups(f.id(), "g");
  set_attr(f.id(), "g", "config", std::string_view(big));
  f.close();
  File r = File::open(path("big_attr.h5"), false);
  EXPECT_EQ(attr_string(r.id(), "", "config"), big);
  EXPECT_EQ(attr_string(r.id(), "g", "config"), big);
}

TEST_F(H5Test, GroupsExistAndListSorted) {
  File f = File::create(path("g.h5"));
  Handle c = create_groups(f.id(), "a/b/c");
  EXPECT_EQ(H5Iget_type(c.id()), H5I_GROUP);
  create_groups(f.id(), "a/b/c");  // like mkdir -p: again is fine
  for (const char* name : {"zeta", "alpha", "Mid", "beta"}) create_groups(f.id(), name);
  write_text(f.id(), "notes", "x");
  write_text(c.id(), "leaf", "relative to a group");

  EXPECT_TRUE(exists(f.id(), "a"));
  EXPECT_TRUE(exists(f.id(), "a/b/c"));
  EXPECT_TRUE(exists(f.id(), "/a/b/c/leaf"));
  EXPECT_TRUE(exists(f.id(), "notes"));
  EXPECT_FALSE(exists(f.id(), "a/x/c"));
  EXPECT_FALSE(exists(f.id(), "missing/deeper/still"));
  EXPECT_FALSE(exists(f.id(), "notes/inside")) << "through a dataset";
  EXPECT_TRUE(exists(c.id(), "leaf"));

  EXPECT_EQ(list(f.id(), ""),
            (std::vector<std::string>{"Mid", "a", "alpha", "beta", "notes", "zeta"}));
  EXPECT_EQ(list(f.id(), "a/b"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(list(f.id(), "a/b/c"), (std::vector<std::string>{"leaf"}));
  EXPECT_EQ(read_text(f.id(), "a/b/c/leaf"), "relative to a group");
  EXPECT_THROW(open_group(f.id(), "missing"), H5Error);
  EXPECT_THROW(open_group(f.id(), "notes"), H5Error);
  EXPECT_THROW(list(f.id(), "missing"), H5Error);
  EXPECT_THROW(create_groups(f.id(), "notes/sub"), H5Error) << "a dataset in the way";
}

TEST_F(H5Test, CopyAcrossFiles) {
  File src = File::create(path("src.h5"));
  write_table(src.id(), "runs/a/summary", all_types());
  write_text(src.id(), "runs/a/config", "seed: 1\n");
  set_attr(src.id(), "runs/a", "seed", std::uint64_t{7});
  File dst = File::create(path("dst.h5"));
  copy(src.id(), "runs/a", dst.id(), "imported/run1");
  copy(src.id(), "runs/a/summary", src.id(), "runs/b/summary");  // within a file
  src.close();
  dst.close();

  File r = File::open(path("dst.h5"), false);
  expect_same(all_types(), read_table(r.id(), "imported/run1/summary"));
  EXPECT_EQ(read_text(r.id(), "imported/run1/config"), "seed: 1\n");
  EXPECT_EQ(attr_u64(r.id(), "imported/run1", "seed"), 7u);
  EXPECT_EQ(list(r.id(), "imported/run1"), (std::vector<std::string>{"config", "summary"}));
  r.close();
  File s = File::open(path("src.h5"), false);
  expect_same(all_types(), read_table(s.id(), "runs/b/summary"));
  File w = File::open(path("dst.h5"), true);
  EXPECT_THROW(copy(s.id(), "runs/missing", w.id(), "new/x"), H5Error);
  EXPECT_FALSE(exists(w.id(), "new")) << "a failed copy creates no parents";
  EXPECT_THROW(copy(s.id(), "runs/a", w.id(), "imported/run1"), H5Error) << "exists";
}

TEST_F(H5Test, CreateRefusesAnExistingFileUnlessTruncating) {
  const std::string p = path("exists.h5");
  {
    File f = File::create(p);
    create_groups(f.id(), "old");
  }
  const std::string msg = h5_error([&] { File::create(p); });
  EXPECT_NE(msg.find(p), std::string::npos) << msg;
  File f = File::create(p, true);
  EXPECT_TRUE(list(f.id(), "").empty());
}

TEST_F(H5Test, OpenNamesTheFileThatFailed) {
  const std::string missing = path("missing.h5");
  const std::string msg = h5_error([&] { File::open(missing, false); });
  EXPECT_NE(msg.find(missing), std::string::npos) << msg;

  const std::string text = path("not_hdf5.txt");
  std::ofstream(text) << "plain text, not HDF5\n";
  const std::string msg2 = h5_error([&] { File::open(text, true); });
  EXPECT_NE(msg2.find(text), std::string::npos) << msg2;
}

TEST_F(H5Test, ErrorsNameTheFileAndTheObject) {
  File f = File::create(path("err.h5"));
  Handle g = create_groups(f.id(), "runs/a");
  const std::string msg = h5_error([&] { read_table(g.id(), "summary"); });
  EXPECT_EQ(msg.rfind(path("err.h5") + ": runs/a/summary: cannot open dataset", 0), 0u) << msg;
}

// HDF5 keeps its error-printing switch per thread: a failure prints nothing on any thread.
TEST_F(H5Test, FailuresPrintNothingOnAnyThread) {
  const std::string p = path("quiet.h5");
  ::testing::internal::CaptureStderr();
  EXPECT_THROW(File::open(p, false), H5Error);
  std::thread([&] {
    EXPECT_THROW(File::open(p, false), H5Error);
    File f = File::create(p);
    EXPECT_THROW(read_table(f.id(), "missing"), H5Error);
  }).join();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// Identical write sequences, a second apart (object times would differ), give identical files.
TEST_F(H5Test, IdenticalWritesGiveIdenticalBytes) {
  auto write = [&](const std::string& p) {
    File f = File::create(p);
    write_table(f.id(), "runs/a/summary", all_types());
    write_text(f.id(), "runs/a/config", "seed: 1\n");
    set_attr(f.id(), "", "version", std::string_view("0.1.0"));
    set_attr(f.id(), "runs/a", "seed", std::uint64_t{1});
    set_attr(f.id(), "runs/a", "seed", std::uint64_t{2});
    set_attr(f.id(), "runs", "big", std::string_view(std::string(100000, 'y')));
    for (int k = 0; k < 12; ++k) create_groups(f.id(), "many/g" + std::to_string(k));
    f.close();
  };
  write(path("one.h5"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  write(path("two.h5"));
  const std::string one = bytes_of(path("one.h5")), two = bytes_of(path("two.h5"));
  EXPECT_GT(one.size(), 100000u);
  EXPECT_TRUE(one == two) << "the files differ";
}

TEST(H5Handle, MovesAndCloses) {
  Handle a(H5Screate(H5S_SCALAR));
  const hid_t id = a.id();
  ASSERT_TRUE(a);
  Handle b(std::move(a));
  EXPECT_FALSE(a);
  EXPECT_EQ(b.id(), id);
  Handle c(H5Pcreate(H5P_DATASET_CREATE));
  const hid_t plist = c.id();
  c = std::move(b);  // closes the property list
  EXPECT_EQ(c.id(), id);
  EXPECT_LE(H5Iis_valid(plist), 0);
  c.reset();
  EXPECT_LE(H5Iis_valid(id), 0);
  c.reset();  // twice is fine
  Handle d(H5Tcopy(H5T_NATIVE_INT));
  const hid_t t = d.release();
  EXPECT_FALSE(d);
  EXPECT_GT(H5Iis_valid(t), 0);
  H5Tclose(t);
}

}  // namespace
}  // namespace allocsim::h5
