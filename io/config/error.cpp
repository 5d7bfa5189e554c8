#include "io/config/error.hpp"

#include "util/printable.hpp"

namespace allocsim::io {

std::string format_config_error(const Origin& origin, const std::string& key,
                                const std::string& message) {
  // File names, keys and messages all quote input: each is made printable and
  // bounded, and so is the whole line (util/printable.hpp).
  std::string out = util::printable(origin.file, util::kMessageBytes / 4);
  if (origin.line > 0) {
    out += ':' + std::to_string(origin.line) + ':';
    if (origin.column > 0)
      out += std::to_string(origin.column) + ':';  // a line-oriented input has none
  } else if (!origin.file.starts_with("--") || key.empty()) {
    out += ':';
  }  // else a command-line override: "--set machine.cpus: ...", no position
  if (!key.empty())
    out.append(" ").append(util::printable(key, util::kMessageBytes / 4)).append(":");
  out.append(" ").append(util::printable(message, util::kMessageBytes));
  return util::printable(out, util::kMessageBytes);
}

ConfigError::ConfigError(const Origin& origin, std::string key_, std::string message_)
    : std::runtime_error(format_config_error(origin, key_, message_)),
      file(origin.file),
      line(origin.line),
      column(origin.column),
      key(util::printable(key_, util::kMessageBytes / 4)),
      message(util::printable(message_, util::kMessageBytes)) {}

}  // namespace allocsim::io
