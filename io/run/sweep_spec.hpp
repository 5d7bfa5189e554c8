#pragma once
// A parameter sweep: base configs, overrides for every point, a grid whose
// cartesian product gives the points, and explicit extra points. Read from a
// sweep file (docs/cli.md) and --grid options; each point is a list of
// dotted-key overrides applied like --set, and is named from them.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/config/tree.hpp"

namespace allocsim::io {

using Assignment = std::pair<std::string, std::string>;  // dotted key, value text

// Points one sweep may have (grid product plus explicit points).
inline constexpr std::size_t kMaxSweepPoints = 10000;

struct SweepSpec {
  std::vector<std::string> base;  // config files, in merge order
  std::vector<std::string> sets;  // "KEY=VALUE" for every point
  std::vector<std::pair<std::string, std::vector<std::string>>> grid;  // axes, in order
  std::vector<std::vector<Assignment>> points;                         // explicit points
};

struct SweepPoint {
  std::string name;                // e.g. "kernel.slab=slub,machine.cpus=4"
  std::vector<Assignment> params;  // the swept keys and this point's values
  std::vector<std::string> sets;   // the spec's sets, then the params as "KEY=VALUE"
};

// Throws ConfigError naming the file, line and key.
SweepSpec read_sweep_file(const std::string& path);
// The same from the file's text (`path` names it and anchors relative base paths).
SweepSpec read_sweep_text(std::string_view text, const std::string& path);
SweepSpec read_sweep(const Node& root, const std::string& path);
// "--grid KEY=V1,V2,...": adds the axis, or replaces an axis of that key.
// Throws ConfigError (file "--grid") for a malformed option.
void add_grid_option(SweepSpec& spec, const std::string& option);
// The grid's points (the first axis varies slowest), then the explicit
// points; with neither, one point with no parameters. Throws ConfigError for
// more than kMaxSweepPoints points, an axis without values, a key that is empty or holds '=', or
// two points that would have the same name.
std::vector<SweepPoint> expand(const SweepSpec& spec);
// "key=value" joined by ','; '/' (not allowed in HDF5 names) becomes '_';
// "base" for a point without parameters.
std::string point_name(const std::vector<Assignment>& params);
// A run's "parameters" attribute: one "key=value\n" line per swept key, the
// values as given (with '/').
std::string parameter_lines(const std::vector<Assignment>& params);

}  // namespace allocsim::io
