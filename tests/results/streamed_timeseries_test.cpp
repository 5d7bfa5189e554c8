// The timeseries streamed (spooled during the run, written a chunk at a time:
// what `allocsim run -o`, sweeps and Python write) against the same tables
// held in memory and written by write_table: the datasets must be the same
// to the byte, chunk by chunk, in type, shape, chunking and filters.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/h5/file.hpp"
#include "io/results/results_file.hpp"
#include "io/run/execute.hpp"

namespace allocsim::io {
namespace {

namespace fs = std::filesystem;
using Mode = ExecuteOptions::Timeseries;

RunOutcome run(const Config& c, Mode mode) {
  ExecuteOptions o;
  o.timeseries = mode;
  return execute(c, o);
}

// Every raw (compressed) chunk of a dataset, in order.
std::vector<std::string> chunks(hid_t d) {
  h5::Handle space(H5Dget_space(d));
  hsize_t n = 0;
  EXPECT_GE(H5Dget_num_chunks(d, space.id(), &n), 0);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < n; ++i) {
    hsize_t offset[1];
    hsize_t size = 0;
    EXPECT_GE(H5Dget_chunk_info(d, space.id(), i, offset, nullptr, nullptr, &size), 0);
    std::string bytes(size, '\0');
    std::uint32_t filters = 0;
    EXPECT_GE(H5Dread_chunk(d, H5P_DEFAULT, offset, &filters, bytes.data()), 0);
    out.push_back(std::to_string(offset[0]) + ":" + bytes);
  }
  return out;
}

void expect_same_dataset(hid_t a, hid_t b, const std::string& path) {
  SCOPED_TRACE(path);
  h5::Handle da(H5Dopen2(a, path.c_str(), H5P_DEFAULT)), db(H5Dopen2(b, path.c_str(), H5P_DEFAULT));
  ASSERT_TRUE(da && db);
  h5::Handle ta(H5Dget_type(da.id())), tb(H5Dget_type(db.id()));
  EXPECT_GT(H5Tequal(ta.id(), tb.id()), 0) << "types differ";
  h5::Handle sa(H5Dget_space(da.id())), sb(H5Dget_space(db.id()));
  hsize_t dims_a[1], max_a[1], dims_b[1], max_b[1];
  ASSERT_EQ(H5Sget_simple_extent_dims(sa.id(), dims_a, max_a), 1);
  ASSERT_EQ(H5Sget_simple_extent_dims(sb.id(), dims_b, max_b), 1);
  EXPECT_EQ(dims_a[0], dims_b[0]);
  EXPECT_EQ(max_a[0], max_b[0]);
  h5::Handle pa(H5Dget_create_plist(da.id())), pb(H5Dget_create_plist(db.id()));
  hsize_t chunk_a[1] = {0}, chunk_b[1] = {0};
  ASSERT_EQ(H5Pget_chunk(pa.id(), 1, chunk_a), 1);
  ASSERT_EQ(H5Pget_chunk(pb.id(), 1, chunk_b), 1);
  EXPECT_EQ(chunk_a[0], chunk_b[0]);
  EXPECT_EQ(H5Pget_nfilters(pa.id()), H5Pget_nfilters(pb.id()));
  EXPECT_TRUE(chunks(da.id()) == chunks(db.id())) << "chunk bytes differ";
  EXPECT_EQ(h5::attr_string(a, path, "NAME"), h5::attr_string(b, path, "NAME"));
}

// Both ways into files; returns the row count of timeseries/pcp.
std::uint64_t expect_streamed_as_in_memory(const Config& c, const std::string& tag) {
  const fs::path dir =
      fs::temp_directory_path() / ("allocsim-streamed-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const RunOutcome memory = run(c, Mode::memory);
  const RunOutcome streamed = run(c, Mode::streamed);
  EXPECT_EQ(memory.results.timeseries.size(), 9u);
  EXPECT_TRUE(memory.results.spooled_timeseries.empty());
  EXPECT_TRUE(streamed.results.timeseries.empty());
  EXPECT_EQ(streamed.results.spooled_timeseries.size(), 9u);
  write_results_file((dir / "memory.h5").string(), {&memory.results});
  write_results_file((dir / "streamed.h5").string(), {&streamed.results});
  h5::File a = h5::File::open((dir / "memory.h5").string(), false);
  h5::File b = h5::File::open((dir / "streamed.h5").string(), false);
  EXPECT_EQ(h5::list(a.id(), "runs/run/timeseries"), h5::list(b.id(), "runs/run/timeseries"));
  for (const std::string& name : h5::list(a.id(), "runs/run/timeseries"))
    expect_same_dataset(a.id(), b.id(), "runs/run/timeseries/" + name);
  const std::uint64_t pcp_rows = h5::read_table(b.id(), "runs/run/timeseries/pcp").rows();
  a.close();
  b.close();
  fs::remove_all(dir);
  return pcp_rows;
}

TEST(StreamedTimeseries, WritesTheDatasetsTheTablesInMemoryGive) {
  // The default workload sampled every microsecond: 8 CPUs x 3 zones of pcp
  // rows in each of its 969 samples, more than a block (14563 rows of nine
  // cells), so rows come back from the temporary file.
  EXPECT_EQ(expect_streamed_as_in_memory(load_config({}, {"run.sample_interval=1us"}), "generator"),
            969u * 8 * 3);
  // A replay, sampled at its start and end only.
  const std::string trace =
      std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/traces/raw-6.x-pS.ftrace.txt";
  EXPECT_EQ(expect_streamed_as_in_memory(
                load_config({}, {"workload.trace=" + trace, "run.sample_interval=none"}), "replay"),
            2u * 8 * 3);
}

// Without an output (`allocsim run` without -o) no rows are kept, and the
// run is the same.
TEST(StreamedTimeseries, NoneKeepsNoRowsAndChangesNothingElse) {
  const Config c = load_config({}, {"machine.cpus=4", "run.sample_interval=1us"});
  const RunOutcome none = run(c, Mode::none);
  const RunOutcome memory = run(c, Mode::memory);
  EXPECT_TRUE(none.results.timeseries.empty());
  EXPECT_TRUE(none.results.spooled_timeseries.empty());
  EXPECT_EQ(none.generator->fingerprint, memory.generator->fingerprint);
  EXPECT_EQ(none.elapsed, memory.elapsed);
}

}  // namespace
}  // namespace allocsim::io
