#include "io/run/sweep_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

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

std::vector<Assignment> read_point(const Value& v) {
  if (!v.present() || !v.node().is_map())
    v.fail("a point is a mapping of dotted config keys to values");
  std::vector<Assignment> out;
  for (const Node::Entry& e : v.node().entries())
    out.emplace_back(e.key, scalar_text(Value(&e.value, v.path() + "." + e.key, e.key_origin)));
  return out;
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
  static const std::vector<std::string> kKeys = {"base", "set", "grid", "points"};
  for (const Node::Entry& e : root.entries())
    if (std::find(kKeys.begin(), kKeys.end(), e.key) == kKeys.end())
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
    for (const auto& [key, value] : read_point(v)) spec.sets.push_back(key + "=" + value);
  }
  if (const Node::Entry* g = root.find_entry("grid")) {
    const Value v(&g->value, "grid", g->key_origin);
    if (!g->value.is_map())
      v.fail("the grid is a mapping of dotted config keys to lists of values");
    for (const Node::Entry& e : g->value.entries()) {
      const Value axis(&e.value, "grid." + e.key, e.key_origin);
      std::vector<std::string> values;
      if (e.value.is_scalar())
        values.push_back(scalar_text(axis));
      else
        for (const Value& item : axis.as_sequence()) values.push_back(scalar_text(item));
      if (values.empty()) axis.fail("an axis needs at least one value");
      spec.grid.emplace_back(e.key, std::move(values));
    }
  }
  if (const Node::Entry* p = root.find_entry("points")) {
    const Value v(&p->value, "points", p->key_origin);
    for (const Value& item : v.as_sequence()) spec.points.push_back(read_point(item));
  }
  return spec;
}

void add_grid_option(SweepSpec& spec, const std::string& option) {
  const Origin origin{"--grid", 0, 0, 0};
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
  for (auto& axis : spec.grid)
    if (axis.first == key) {
      axis.second = std::move(values);
      return;
    }
  spec.grid.emplace_back(key, std::move(values));
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
  if (!spec.grid.empty()) {
    std::vector<std::size_t> at(spec.grid.size(), 0);
    for (;;) {
      std::vector<Assignment> p;
      for (std::size_t a = 0; a < spec.grid.size(); ++a)
        p.emplace_back(spec.grid[a].first, spec.grid[a].second[at[a]]);
      params.push_back(std::move(p));
      std::size_t a = spec.grid.size();
      while (a > 0 && ++at[a - 1] == spec.grid[a - 1].second.size()) at[--a] = 0;
      if (a == 0) break;
    }
  }
  for (const auto& p : spec.points) params.push_back(p);
  if (params.empty()) params.emplace_back();
  std::vector<SweepPoint> out;
  std::map<std::string, std::size_t> seen;
  for (auto& p : params) {
    SweepPoint pt;
    pt.name = point_name(p);
    if (seen.count(pt.name))
      throw ConfigError(Origin{"sweep", 0, 0, 0}, "",
                        "two points are both named '" + pt.name + "' (the same parameters)");
    seen[pt.name] = out.size();
    pt.sets = spec.sets;
    for (const auto& [key, value] : p) pt.sets.push_back(key + "=" + value);
    pt.params = std::move(p);
    out.push_back(std::move(pt));
  }
  return out;
}

}  // namespace allocsim::io
