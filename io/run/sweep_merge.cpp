#include "io/run/sweep_merge.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "io/h5/file.hpp"
#include "io/results/results_file.hpp"

namespace allocsim::io {

h5::Table sweep_table(const std::vector<SweepPoint>& points, const std::vector<bool>& complete) {
  h5::Table t;
  t.add("index", h5::Column::Type::u64, "1");
  t.add("run", h5::Column::Type::str, "");
  t.add("status", h5::Column::Type::str, "");
  std::vector<std::string> keys;
  for (const SweepPoint& p : points)
    for (const auto& [key, value] : p.params)
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  for (const std::string& key : keys) t.add(key, h5::Column::Type::str, "");
  for (std::size_t i = 0; i < points.size(); ++i) {
    t.push_value(0, i);
    t.push_value(1, points[i].name);
    t.push_value(2, complete[i] ? "complete" : "failed");
    for (std::size_t k = 0; k < keys.size(); ++k) {
      std::string v;
      for (const auto& [key, value] : points[i].params)
        if (key == keys[k]) v = value;
      t.push_value(3 + k, v);
    }
  }
  return t;
}

std::vector<bool> merge_sweep(const std::string& path, const std::vector<SweepPoint>& points,
                              const std::vector<std::string>& sources) {
  if (sources.size() != points.size())
    throw std::invalid_argument("merge_sweep: " + std::to_string(points.size()) + " points but " +
                                std::to_string(sources.size()) + " sources");
  std::vector<bool> complete(points.size(), false);
  h5::File out = h5::File::create(path, true);
  // Consecutive points often come from one file (an earlier output): opened once.
  std::optional<h5::File> source;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (sources[i].empty()) continue;
    if (!source || source->path() != sources[i]) {
      source.reset();
      source = h5::File::open(sources[i], false);
    }
    const std::string run = "runs/" + points[i].name;
    if (!run_complete(source->id(), points[i].name)) continue;
    h5::copy(source->id(), run, out.id(), run);
    complete[i] = true;
  }
  source.reset();
  h5::set_attr(out.id(), ".", "allocsim_results", kResultsLayout);
  h5::write_table(out.id(), "sweep", sweep_table(points, complete));
  out.close();
  return complete;
}

}  // namespace allocsim::io
