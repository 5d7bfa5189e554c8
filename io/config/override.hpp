#pragma once
// Command-line overrides: "--set machine.caches.l1d.size=64KiB".
#include <string_view>

#include "io/config/tree.hpp"

namespace allocsim::io {

// Applies one "a.b.c=VALUE" override to `root`. VALUE is parsed as YAML (a
// scalar, or a flow node such as [[10,21],[21,10]]) and merged at the dotted
// key like a file would be, creating maps on the way; a numeric component
// indexes an existing sequence (machine.memory.nodes.1=8GiB). New nodes get the
// origin {file, line 0, column 0, layer}, so errors read "--set KEY: ...".
void apply_set(Node& root, std::string_view assignment, int layer,
               const std::string& file = "--set");

}  // namespace allocsim::io
