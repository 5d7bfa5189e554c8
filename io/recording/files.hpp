#pragma once
// Small file helpers for /proc, /sys and tracefs, whose files report a size
// of 0 or 4096 whatever they hold: read until end of file.
#include <optional>
#include <string>
#include <string_view>

namespace allocsim::io::recording {

// The whole file, or nothing when it cannot be opened or read.
std::optional<std::string> read_text(const std::string& path);
// The whole file; throws std::runtime_error naming the file and the reason.
std::string read_required(const std::string& path);
// Creates or truncates `path` and writes `text`; throws std::runtime_error.
void write_text(const std::string& path, std::string_view text);
// Without leading and trailing blanks and newlines.
std::string trimmed(std::string_view s);

}  // namespace allocsim::io::recording
