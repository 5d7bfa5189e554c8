#pragma once
// A parameter sweep: base configs, overrides for every point, a grid whose
// cartesian product gives the points, and explicit extra points. Read from a
// sweep file (docs/cli.md), config files, --set and --grid options; each point
// is a list of dotted-key overrides applied like --set, and is named from them.
// Every override read from a sweep file keeps where it was written, so an
// error in a point's config names the file, line and key.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/config/error.hpp"
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
  // Where each value was written, in the same shapes as sets, grid values and
  // points (shorter, or an Origin with no file: a command-line value).
  std::vector<Origin> set_origins;
  std::vector<std::vector<Origin>> grid_origins;
  std::vector<std::vector<Origin>> point_origins;
};

struct SweepPoint {
  std::string name;                // e.g. "kernel.slab=slub,machine.cpus=4"
  std::vector<Assignment> params;  // the swept keys and this point's values
  std::vector<std::string> sets;   // the spec's sets, then the params as "KEY=VALUE"
  std::vector<Origin> origins;     // per entry of `sets`: where it was written (see SweepSpec)
};

// Throws ConfigError naming the file, line and key.
SweepSpec read_sweep_file(const std::string& path);
// The same from the file's text (`path` names it and anchors relative base paths).
SweepSpec read_sweep_text(std::string_view text, const std::string& path);
SweepSpec read_sweep(const Node& root, const std::string& path);
// Whether `path` is a sweep file rather than a config: a mapping whose keys
// are all sweep keys (base, set, grid, points). A config's keys (machine,
// kernel, workload, run) are none of them; a file with keys of both kinds
// throws ConfigError naming the first key of the minority kind.
bool is_sweep_file(const std::string& path);
// "--set KEY=VALUE" for every point, after the sweep file's set: entries.
void add_set_option(SweepSpec& spec, const std::string& assignment);
// "--grid KEY=V1,V2,...": adds the axis, or replaces an axis of that key.
// Throws ConfigError (file "--grid") for a malformed option.
void add_grid_option(SweepSpec& spec, const std::string& option);
// The grid's points (the first axis varies slowest), then the explicit
// points; with neither, one point with no parameters. Throws ConfigError for
// more than kMaxSweepPoints points, an axis without values, a key that is empty or holds '=', or
// two points that would have the same name.
std::vector<SweepPoint> expand(const SweepSpec& spec);
// `e`, an error in a point's config, moved to where the sweep file (or a
// --grid option) gave the value it is about: an error of a "--set KEY" that
// the point got from set:, grid: or points: (the last entry of `point.sets`
// whose key is KEY or a parent of KEY) becomes "FILE:LINE:COLUMN: KEY:
// message". Other errors come back unchanged.
ConfigError locate_point_error(const ConfigError& e, const SweepPoint& point);
// "key=value" joined by ','; '/' (not allowed in HDF5 names) becomes '_';
// "base" for a point without parameters.
std::string point_name(const std::vector<Assignment>& params);
// A run's "parameters" attribute: one "key=value\n" line per swept key, the
// values as given (with '/').
std::string parameter_lines(const std::vector<Assignment>& params);

}  // namespace allocsim::io
