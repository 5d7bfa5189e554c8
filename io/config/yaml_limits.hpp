#pragma once
// The input limits of every YAML document allocsim reads (config files,
// --set values, sweep files, config text from Python), checked before any
// node is built: the raw text's size and line lengths, then one pass over
// yaml-cpp's event stream that counts nodes, follows anchors and aliases,
// and rejects recursive aliases, deep nesting and alias bombs before they
// can be expanded. docs/config.md, "Input limits", documents the numbers.
#include <cstddef>
#include <string>
#include <string_view>

namespace allocsim::io {

inline constexpr std::size_t kMaxYamlBytes = std::size_t{16} << 20;      // one document's text
inline constexpr std::size_t kMaxYamlLineBytes = std::size_t{64} << 10;  // one line
inline constexpr int kMaxYamlDepth = 64;                                 // nested collections
inline constexpr std::size_t kMaxYamlNodes = std::size_t{1} << 22;       // after aliases expand
// What aliases may add to a document: their nodes, and their scalars' text.
inline constexpr std::size_t kMaxAliasNodes = std::size_t{1} << 16;
inline constexpr std::size_t kMaxAliasBytes = std::size_t{1} << 20;

// Throws ConfigError at the file, line and column of the first limit
// exceeded; a YAML syntax error is left for the parser to report.
void check_yaml_limits(std::string_view text, const std::string& file, int layer);

}  // namespace allocsim::io
