#include "io/run/sweep_parts.hpp"

#include <optional>
#include <system_error>

#include "io/h5/file.hpp"
#include "io/results/atomic_output.hpp"
#include "io/results/results_file.hpp"

namespace allocsim::io {

namespace fs = std::filesystem;

fs::path sweep_parts_dir(const std::string& output) {
  const fs::path out(output);
  std::string name(".");
  name += out.filename().string();
  name += ".parts";
  return (out.has_parent_path() ? out.parent_path() : fs::path(".")) / name;
}

std::string sweep_part_path(const fs::path& dir, std::size_t index) {
  return (dir / ("point-" + std::to_string(index) + ".h5")).string();
}

bool holds_complete_run(const std::string& path, const std::string& name) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  try {
    const h5::File f = h5::File::open(path, false);
    return run_complete(f.id(), name);
  } catch (const h5::H5Error&) {
    return false;
  }
}

std::vector<std::string> finished_points(const std::vector<SweepPoint>& points,
                                         const fs::path& parts_dir,
                                         const std::string& earlier_output) {
  std::optional<h5::File> earlier;
  if (!earlier_output.empty()) try {
      earlier = h5::File::open(earlier_output, false);
    } catch (const h5::H5Error& e) {
      throw OutputError(earlier_output + ": cannot resume from it: " + e.what());
    }
  std::vector<std::string> where(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string part = sweep_part_path(parts_dir, i);
    if (holds_complete_run(part, points[i].name))
      where[i] = part;
    else if (earlier && run_complete(earlier->id(), points[i].name))
      where[i] = earlier_output;
  }
  return where;
}

RunOutcome run_sweep_point(const Config& config, const SweepPoint& point, const std::string& part) {
  ExecuteOptions options;
  options.name = point.name;
  options.parameters = parameter_lines(point.params);
  options.timeseries = ExecuteOptions::Timeseries::streamed;
  RunOutcome outcome = execute(config, options);
  AtomicOutput out(part, true);
  write_results_file(out.temp_path(), {&outcome.results});
  out.commit();
  return outcome;
}

}  // namespace allocsim::io
