#include "io/run/sweep_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string_view>

#include "io/config/error.hpp"
#include "io/config/reader.hpp"
#include "io/config/yaml_parse.hpp"

namespace allocsim::io {

namespace {

std::string scalar_text(const Value& v) {
  if (!v.present() || !v.node().is_scalar())
    v.fail("expected a single value (a number, a word or a size)");
  return v.node().text();
}

// A mapping of dotted keys to values, and where each value was written.
std::vector<Assignment> read_point(const Value& v, std::vector<Origin>& origins) {
  if (!v.present() || !v.node().is_map())
    v.fail("a point is a mapping of dotted config keys to values");
  std::vector<Assignment> out;
  for (const Node::Entry& e : v.node().entries()) {
    const Value value(&e.value, v.path() + "." + e.key, e.key_origin);
    out.emplace_back(e.key, scalar_text(value));
    origins.push_back(value.origin());
  }
  return out;
}

const std::vector<std::string> kSweepKeys = {"base", "set", "grid", "points"};

bool is_sweep_key(const std::string& key) {
  return std::find(kSweepKeys.begin(), kSweepKeys.end(), key) != kSweepKeys.end();
}

// The key of a "KEY=VALUE" override.
std::string_view key_of(std::string_view assignment) {
  return assignment.substr(0, assignment.find('='));
}

// Whether an error about config key `error_key` is about the override of `key`:
// the same key, or one below it.
bool covers(std::string_view key, std::string_view error_key) {
  if (!error_key.starts_with(key)) return false;
  return error_key.size() == key.size() || error_key[key.size()] == '.' ||
         error_key[key.size()] == '[';
}

// What a sweep file and --grid cannot give, but a grid from Python can.
void check_axes_and_keys(const SweepSpec& spec) {
  const Origin origin{"sweep", 0, 0, 0};
  auto check_key = [&](const std::string& key) {
    if (key.empty() || key.find('=') != std::string::npos)
      throw ConfigError(origin, "",
                        "bad sweep key '" + key + "': a dotted config key like 'machine.cpus'");
  };
  for (const auto& [key, values] : spec.grid) {
    check_key(key);
    if (values.empty()) throw ConfigError(origin, key, "the sweep axis has no values");
  }
  for (const auto& point : spec.points)
    for (const auto& assignment : point) check_key(assignment.first);
}

}  // namespace

SweepSpec read_sweep_file(const std::string& path) {
  return read_sweep(parse_yaml_file(path, 1), path);
}

SweepSpec read_sweep_text(std::string_view text, const std::string& path) {
  return read_sweep(parse_yaml(text, path, 1), path);
}

SweepSpec read_sweep(const Node& root, const std::string& path) {
  if (!root.is_map() && !root.is_null())
    fail_at(root.origin(), "", "a sweep file is a mapping (base, set, grid, points)");
  for (const Node::Entry& e : root.entries())
    if (!is_sweep_key(e.key))
      fail_at(e.key_origin, e.key,
              "unknown key '" + e.key + "' (expected base, set, grid or points)");
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  SweepSpec spec;
  if (const Node::Entry* b = root.find_entry("base")) {
    const Value v(&b->value, "base", b->key_origin);
    std::vector<Value> files;
    if (b->value.is_scalar())
      files.push_back(v);
    else
      files = v.as_sequence();
    for (const Value& f : files) {
      const std::filesystem::path p(scalar_text(f));
      spec.base.push_back((p.is_absolute() ? p : dir / p).lexically_normal().string());
    }
  }
  if (const Node::Entry* s = root.find_entry("set")) {
    const Value v(&s->value, "set", s->key_origin);
    for (const auto& [key, value] : read_point(v, spec.set_origins))
      spec.sets.push_back(key + "=" + value);
  }
  if (const Node::Entry* g = root.find_entry("grid")) {
    const Value v(&g->value, "grid", g->key_origin);
    if (!g->value.is_map())
      v.fail("the grid is a mapping of dotted config keys to lists of values");
    for (const Node::Entry& e : g->value.entries()) {
      const Value axis(&e.value, "grid." + e.key, e.key_origin);
      std::vector<std::string> values;
      std::vector<Origin> origins;
      for (const Value& item :
           e.value.is_scalar() ? std::vector<Value>{axis} : axis.as_sequence()) {
        values.push_back(scalar_text(item));
        origins.push_back(item.origin());
      }
      if (values.empty()) axis.fail("an axis needs at least one value");
      spec.grid.emplace_back(e.key, std::move(values));
      spec.grid_origins.push_back(std::move(origins));
    }
  }
  if (const Node::Entry* p = root.find_entry("points")) {
    const Value v(&p->value, "points", p->key_origin);
    for (const Value& item : v.as_sequence()) {
      spec.point_origins.emplace_back();
      spec.points.push_back(read_point(item, spec.point_origins.back()));
    }
  }
  return spec;
}

bool is_sweep_file(const std::string& path) {
  const Node root = parse_yaml_file(path, 1);
  if (!root.is_map() || root.entries().empty()) return false;
  const Node::Entry* sweep = nullptr;
  const Node::Entry* config = nullptr;
  for (const Node::Entry& e : root.entries()) {
    const Node::Entry*& first = is_sweep_key(e.key) ? sweep : config;
    if (!first) first = &e;
  }
  if (sweep && config)
    fail_at(config->key_origin, config->key,
            "unknown key '" + config->key + "' in a sweep file (it has '" + sweep->key +
                "'; a sweep file's keys are base, set, grid and points, and config keys go "
                "under set: or into a base file)");
  return sweep != nullptr;
}

void add_set_option(SweepSpec& spec, const std::string& assignment) {
  spec.set_origins.resize(spec.sets.size());
  spec.sets.push_back(assignment);
  spec.set_origins.emplace_back();  // typed on the command line: errors say "--set KEY"
}

void add_grid_option(SweepSpec& spec, const std::string& option) {
  const Origin origin{"--grid", 0, 0, 0};
  spec.grid_origins.resize(spec.grid.size());
  const std::size_t eq = option.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == option.size())
    throw ConfigError(origin, "", "expected KEY=V1,V2,... in '" + option + "'");
  const std::string key = option.substr(0, eq);
  std::vector<std::string> values;
  std::size_t start = eq + 1;
  for (;;) {
    const std::size_t comma = option.find(',', start);
    values.push_back(option.substr(start, comma == std::string::npos ? comma : comma - start));
    if (values.back().empty()) throw ConfigError(origin, key, "an empty value in '" + option + "'");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  const std::vector<Origin> origins(values.size(), origin);
  for (std::size_t a = 0; a < spec.grid.size(); ++a)
    if (spec.grid[a].first == key) {
      spec.grid[a].second = std::move(values);
      spec.grid_origins[a] = origins;
      return;
    }
  spec.grid.emplace_back(key, std::move(values));
  spec.grid_origins.push_back(origins);
}

std::string point_name(const std::vector<Assignment>& params) {
  if (params.empty()) return "base";
  std::string name;
  for (const auto& [key, value] : params) {
    if (!name.empty()) name += ',';
    name += key + "=" + value;
  }
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

std::string parameter_lines(const std::vector<Assignment>& params) {
  std::string out;
  for (const auto& [key, value] : params) out += key + "=" + value + "\n";
  return out;
}

std::vector<SweepPoint> expand(const SweepSpec& spec) {
  check_axes_and_keys(spec);
  // Counted before anything is made: ten axes of ten values would be 10^10 points.
  std::uint64_t count = spec.points.size();
  if (!spec.grid.empty()) {
    std::uint64_t product = 1;
    for (const auto& [key, values] : spec.grid)
      product =
          values.size() > kMaxSweepPoints / product ? kMaxSweepPoints + 1 : product * values.size();
    count += product;
  }
  if (count > kMaxSweepPoints)
    throw ConfigError(Origin{"sweep", 0, 0, 0}, "",
                      "the sweep has more than " + std::to_string(kMaxSweepPoints) +
                          " points (the grid's axes multiply); split it into several sweeps");
  std::vector<std::vector<Assignment>> params;
  std::vector<std::vector<Origin>> origins;  // of each point's params
  auto origin_at = [](const std::vector<std::vector<Origin>>& all, std::size_t i, std::size_t j) {
    return i < all.size() && j < all[i].size() ? all[i][j] : Origin{};
  };
  if (!spec.grid.empty()) {
    std::vector<std::size_t> at(spec.grid.size(), 0);
    for (;;) {
      std::vector<Assignment> p;
      std::vector<Origin> o;
      for (std::size_t a = 0; a < spec.grid.size(); ++a) {
        p.emplace_back(spec.grid[a].first, spec.grid[a].second[at[a]]);
        o.push_back(origin_at(spec.grid_origins, a, at[a]));
      }
      params.push_back(std::move(p));
      origins.push_back(std::move(o));
      std::size_t a = spec.grid.size();
      while (a > 0 && ++at[a - 1] == spec.grid[a - 1].second.size()) at[--a] = 0;
      if (a == 0) break;
    }
  }
  for (std::size_t i = 0; i < spec.points.size(); ++i) {
    params.push_back(spec.points[i]);
    origins.emplace_back();
    for (std::size_t j = 0; j < spec.points[i].size(); ++j)
      origins.back().push_back(origin_at(spec.point_origins, i, j));
  }
  if (params.empty()) {
    params.emplace_back();
    origins.emplace_back();
  }
  std::vector<Origin> set_origins = spec.set_origins;
  set_origins.resize(spec.sets.size());
  std::vector<SweepPoint> out;
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < params.size(); ++i) {
    std::vector<Assignment>& p = params[i];
    SweepPoint pt;
    pt.name = point_name(p);
    if (seen.count(pt.name))
      throw ConfigError(Origin{"sweep", 0, 0, 0}, "",
                        "two points are both named '" + pt.name + "' (the same parameters)");
    seen[pt.name] = out.size();
    pt.sets = spec.sets;
    for (const auto& [key, value] : p) pt.sets.push_back(key + "=" + value);
    pt.origins = set_origins;
    pt.origins.insert(pt.origins.end(), origins[i].begin(), origins[i].end());
    pt.params = std::move(p);
    out.push_back(std::move(pt));
  }
  return out;
}

ConfigError locate_point_error(const ConfigError& e, const SweepPoint& point) {
  if (e.file != "--set" || e.line != 0) return e;
  for (std::size_t i = point.sets.size(); i-- > 0;) {
    if (!covers(key_of(point.sets[i]), e.key)) continue;
    if (i >= point.origins.size() || point.origins[i].file.empty()) return e;
    return ConfigError(point.origins[i], e.key, e.message);
  }
  return e;
}

}  // namespace allocsim::io
