#pragma once
// Where a config value came from, and the one exception type that config
// loading throws. Every error names the dotted key it is about, so a user can
// find it in a merged stack of files and --set overrides.
#include <stdexcept>
#include <string>

namespace allocsim::io {

struct Origin {
  std::string file;  // path, "<default>", "--set" or "--seed"
  int line = 0;      // 1-based; 0 when there is no position (--set, a whole file)
  int column = 0;    // 1-based; 0 when there is no position
  // Merge layer: 0 is the embedded default, then each file and each --set in
  // order. Lets "the later of two exclusive keys wins" work across files.
  int layer = 0;
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(const Origin& origin, std::string key, std::string message);

  std::string file;
  int line = 0;
  int column = 0;
  std::string key;      // dotted path such as machine.caches.l1d.size, or empty
  std::string message;  // without the position prefix
};

// "FILE:LINE:COLUMN: KEY: message", "--set KEY: message" or "FILE: message".
std::string format_config_error(const Origin& origin, const std::string& key,
                                const std::string& message);

}  // namespace allocsim::io
