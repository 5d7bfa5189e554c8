#pragma once
// Config tree -> YAML text, for the resolved config (`allocsim validate`, the
// HDF5 `config` attribute). Lists of scalars print in flow style ([0, 0, 1]),
// so a distance matrix prints one row per line.
#include <string>
#include <string_view>

#include "io/config/tree.hpp"

namespace allocsim::io {

std::string emit_yaml(const Node& root, std::string_view header_comment = {});

}  // namespace allocsim::io
