#include "io/results/streamed_table.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace allocsim::io {

StreamedTable::StreamedTable(std::string name, std::vector<h5::TableAppender::ColumnSpec> columns)
    : name_(std::move(name)) {
  std::string templ =
      (std::filesystem::temp_directory_path() / ("allocsim-" + name_ + "-XXXXXX")).string();
  const int fd = ::mkstemp(templ.data());
  if (fd < 0)
    throw h5::H5Error("cannot create a temporary file for tables/" + name_ + " in " +
                      std::filesystem::temp_directory_path().string() + ": " +
                      std::strerror(errno));
  ::close(fd);
  path_ = templ;
  file_.emplace(h5::File::create(path_, true));
  appender_ = std::make_unique<h5::TableAppender>(file_->id(), kDataset, std::move(columns));
}

StreamedTable::~StreamedTable() {
  appender_.reset();
  file_.reset();
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void StreamedTable::finish() {
  if (!file_) return;
  appender_->flush();
  appender_.reset();
  file_->close();
  file_.reset();
}

}  // namespace allocsim::io
