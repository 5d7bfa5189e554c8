#include "io/config/error.hpp"

namespace allocsim::io {

std::string format_config_error(const Origin& origin, const std::string& key,
                                const std::string& message) {
  std::string out = origin.file;
  if (origin.line > 0) {
    out += ':' + std::to_string(origin.line) + ':';
    if (origin.column > 0)
      out += std::to_string(origin.column) + ':';  // a line-oriented input has none
  } else if (!origin.file.starts_with("--") || key.empty()) {
    out += ':';
  }  // else a command-line override: "--set machine.cpus: ...", no position
  if (!key.empty()) out += ' ' + key + ':';
  return out + ' ' + message;
}

ConfigError::ConfigError(const Origin& origin, std::string key_, std::string message_)
    : std::runtime_error(format_config_error(origin, key_, message_)),
      file(origin.file),
      line(origin.line),
      column(origin.column),
      key(std::move(key_)),
      message(std::move(message_)) {}

}  // namespace allocsim::io
