#pragma once
// YAML text -> config tree (io/config/tree.hpp), with 1-based origins. YAML
// syntax errors, duplicate keys, non-scalar keys and unreadable files become
// ConfigError with the file and position.
#include <string>
#include <string_view>

#include "io/config/tree.hpp"

namespace allocsim::io {

// Parses one YAML document; an empty document gives a null node.
Node parse_yaml(std::string_view text, const std::string& file, int layer);
Node parse_yaml_file(const std::string& path, int layer);

}  // namespace allocsim::io
