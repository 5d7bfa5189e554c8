#include "pyext/sweep_bindings.hpp"

#include <pybind11/stl.h>

#include "io/run/execute.hpp"
#include "io/run/sweep_merge.hpp"
#include "io/run/sweep_parts.hpp"
#include "io/run/sweep_spec.hpp"

namespace py = pybind11;

namespace allocsim::pyext {

namespace {

using Params = std::vector<io::Assignment>;

py::list expand_sweep(const std::vector<std::pair<std::string, std::vector<std::string>>>& grid,
                      const std::vector<Params>& points, const std::vector<std::string>& sets) {
  io::SweepSpec spec;
  spec.grid = grid;
  spec.points = points;
  spec.sets = sets;
  py::list out;
  for (const io::SweepPoint& p : io::expand(spec)) {
    py::dict d;
    d["name"] = p.name;
    d["params"] = p.params;
    d["sets"] = p.sets;
    d["parameters"] = io::parameter_lines(p.params);
    out.append(d);
  }
  return out;
}

std::vector<io::SweepPoint> sweep_points(
    const std::vector<std::pair<std::string, Params>>& points) {
  std::vector<io::SweepPoint> pts;
  for (const auto& [name, params] : points) pts.push_back(io::SweepPoint{name, params, {}, {}});
  return pts;
}

std::vector<bool> merge_sweep(const std::string& path,
                              const std::vector<std::pair<std::string, Params>>& points,
                              const std::vector<std::string>& sources) {
  const std::vector<io::SweepPoint> pts = sweep_points(points);
  py::gil_scoped_release unlocked;
  return io::merge_sweep(path, pts, sources);
}

std::vector<std::string> finished_points(const std::vector<std::pair<std::string, Params>>& points,
                                         const std::string& parts_dir,
                                         const std::string& earlier_output) {
  return io::finished_points(sweep_points(points), parts_dir, earlier_output);
}

}  // namespace

void bind_sweep(py::module_& m) {
  m.def("expand_sweep", &expand_sweep, py::arg("grid"), py::arg("points"), py::arg("sets"),
        "The sweep's points: the grid's cartesian product (first axis slowest), then the extra "
        "points, each a dict of name, params, sets (`sets` then the params, as KEY=VALUE) and "
        "parameters (the run attribute); raises ConfigError for an empty axis, a bad key or "
        "two points with one name.");
  m.def("point_name", &io::point_name, py::arg("params"),
        "A point's run name: 'k1=v1,k2=v2' with '/' made '_'; 'base' without parameters.");
  m.def(
      "sweep_parts_dir", [](const std::string& out) { return io::sweep_parts_dir(out).string(); },
      py::arg("out"), "Where a sweep into `out` keeps its part files: '.OUT.parts' next to it.");
  m.def(
      "sweep_part_path",
      [](const std::string& dir, std::size_t index) { return io::sweep_part_path(dir, index); },
      py::arg("parts_dir"), py::arg("index"),
      "The part file of point `index`: '<parts_dir>/point-<index>.h5'.");
  m.def("finished_points", &finished_points, py::arg("points"), py::arg("parts_dir"),
        py::arg("earlier_output"),
        "For resuming: per point ((name, params) pairs), the file that already holds its "
        "complete run (its part file in `parts_dir`, else `earlier_output`), or '' if it is "
        "still to run. Raises OSError if `earlier_output` is not a results file.");
  m.def("default_run_name", &io::default_run_name, py::arg("files"),
        "The name `allocsim run` gives a run of these config files without --name: the last "
        "file's stem, or 'default'.");
  m.def("merge_sweep", &merge_sweep, py::arg("path"), py::arg("points"), py::arg("sources"),
        "Writes the results file `path`: each point's complete run from its file in `sources` "
        "('' for a failed point), in point order, and the /sweep table. `points` are "
        "(name, params) pairs. Returns per point whether its run is in.");
}

}  // namespace allocsim::pyext
