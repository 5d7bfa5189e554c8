#pragma once
// A results table written while the run goes, because it may be too long to
// hold in memory (tables/replay has a row per replayed event): its rows go
// into a temporary HDF5 file, which write_run copies into the results file
// with H5Ocopy (as sweeps merge their parts). The temporary file is removed
// with the last owner.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/h5/file.hpp"
#include "io/h5/table_append.hpp"

namespace allocsim::io {

class StreamedTable {
 public:
  // tables/<name>; the temporary file goes into the system's temporary directory.
  StreamedTable(std::string name, std::vector<h5::TableAppender::ColumnSpec> columns);
  ~StreamedTable();
  StreamedTable(const StreamedTable&) = delete;
  StreamedTable& operator=(const StreamedTable&) = delete;

  h5::TableAppender& rows() { return *appender_; }
  // Writes the last rows and closes the temporary file (done before copying).
  void finish();

  const std::string& name() const { return name_; }
  const std::string& file() const { return path_; }
  static constexpr const char* kDataset = "table";  // its path in the temporary file

 private:
  std::string name_, path_;
  std::optional<h5::File> file_;
  std::unique_ptr<h5::TableAppender> appender_;
};

}  // namespace allocsim::io
