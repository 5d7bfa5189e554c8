#include "io/results/results_file.hpp"

#include <string_view>

#include "io/h5/file.hpp"

namespace allocsim::io {

namespace {

// Makes a table an HDF5 dimension scale of its own rows: the attributes
// CLASS = "DIMENSION_SCALE" and NAME = the table's name, as H5DSset_scale
// writes them. netCDF-4 readers (h5netcdf, xarray) then open a group of
// tables, each a variable along its own dimension.
void mark_scale(hid_t loc, const std::string& name) {
  h5::set_attr(loc, name, "CLASS", std::string_view("DIMENSION_SCALE\0", 16));
  h5::set_attr(loc, name, "NAME", name);
}

void write_scaled_table(hid_t loc, const std::string& name, const h5::Table& t) {
  h5::write_table(loc, name, t);
  mark_scale(loc, name);
}

void write_group(hid_t run, const std::string& group,
                 const std::vector<std::pair<std::string, h5::Table>>& tables) {
  h5::Handle g = h5::create_groups(run, group);
  for (const auto& [name, t] : tables) write_scaled_table(g.id(), name, t);
}

// Spooled tables, as write_group writes the same tables held in memory.
void write_group(
    hid_t run, const std::string& group,
    const std::vector<std::pair<std::string, std::shared_ptr<const h5::SpooledTable>>>& tables) {
  h5::Handle g = h5::create_groups(run, group);
  for (const auto& [name, t] : tables) {
    t->write(g.id(), name);
    mark_scale(g.id(), name);
  }
}

std::vector<std::pair<std::string, h5::Table>> read_group(hid_t run, const std::string& group,
                                                          const std::string& skip = "") {
  std::vector<std::pair<std::string, h5::Table>> out;
  if (!h5::exists(run, group)) return out;
  for (const std::string& name : h5::list(run, group))
    if (name != skip) out.emplace_back(name, h5::read_table(run, group + "/" + name));
  return out;
}

}  // namespace

void write_results_file(const std::string& path, const std::vector<const RunResults*>& runs) {
  h5::File f = h5::File::create(path, true);
  for (const RunResults* r : runs) write_run(f.id(), *r);
  f.close();
}

std::string run_name_problem(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return "a run needs a name";
  if (name.find('/') != std::string::npos) return "a run name cannot contain '/'";
  return "";
}

void write_run(hid_t file, const RunResults& r) {
  if (!h5::has_attr(file, ".", "allocsim_results"))
    h5::set_attr(file, ".", "allocsim_results", kResultsLayout);
  const std::string path = "runs/" + r.info.name;
  if (h5::exists(file, path)) throw h5::H5Error("run '" + r.info.name + "' is already in the file");
  h5::Handle run = h5::create_groups(file, path);
  const hid_t g = run.id();
  const RunInfo& i = r.info;
  h5::set_attr(g, ".", "config", i.config);
  h5::set_attr(g, ".", "seed", i.seed);
  h5::set_attr(g, ".", "allocsim_version", i.allocsim_version);
  h5::set_attr(g, ".", "git_revision", i.git_revision);
  h5::set_attr(g, ".", "host", i.host);
  h5::set_attr(g, ".", "start_time", i.start_time);
  h5::set_attr(g, ".", "wall_seconds", i.wall_seconds);
  h5::set_attr(g, ".", "workload", i.workload);
  h5::set_attr(g, ".", "parameters", i.parameters);
  write_scaled_table(g, "summary", r.summary);
  write_scaled_table(g, "counters", r.counters);
  write_group(g, "timeseries", r.timeseries);
  write_group(g, "timeseries", r.spooled_timeseries);
  write_group(g, "latency", r.latency);
  write_group(g, "tables", r.tables);
  for (const auto& t : r.streamed) {
    h5::File from = h5::File::open(t->file(), false);
    h5::copy(from.id(), StreamedTable::kDataset, g, "tables/" + t->name());
    from.close();
    h5::Handle tables = h5::open_group(g, "tables");
    mark_scale(tables.id(), t->name());
  }
  if (!r.events.columns().empty()) write_scaled_table(g, "events", r.events);
  h5::Handle proc = h5::create_groups(g, "proc");
  for (const auto& [name, text] : r.proc) h5::write_text(proc.id(), name, text);
  h5::set_attr(g, ".", "complete", std::uint64_t{1});
}

std::vector<std::string> list_runs(hid_t file, bool all) {
  std::vector<std::string> out;
  if (!h5::exists(file, "runs")) return out;
  for (const std::string& name : h5::list(file, "runs"))
    if (all || run_complete(file, name)) out.push_back(name);
  return out;
}

bool run_complete(hid_t file, const std::string& name) {
  const std::string path = "runs/" + name;
  return h5::exists(file, path) && h5::has_attr(file, path, "complete") &&
         h5::attr_u64(file, path, "complete") == 1;
}

RunResults read_run(hid_t file, const std::string& name, bool replay_rows) {
  const std::string path = "runs/" + name;
  if (!h5::exists(file, path)) throw h5::H5Error("no run '" + name + "' in the file");
  h5::Handle run = h5::open_group(file, path);
  const hid_t g = run.id();
  RunResults r;
  RunInfo& i = r.info;
  i.name = name;
  i.config = h5::attr_string(g, ".", "config");
  i.seed = h5::attr_u64(g, ".", "seed");
  i.allocsim_version = h5::attr_string(g, ".", "allocsim_version");
  i.git_revision = h5::attr_string(g, ".", "git_revision");
  i.host = h5::attr_string(g, ".", "host");
  i.start_time = h5::attr_string(g, ".", "start_time");
  i.wall_seconds = h5::attr_f64(g, ".", "wall_seconds");
  i.workload = h5::attr_string(g, ".", "workload");
  i.parameters = h5::attr_string(g, ".", "parameters");
  r.summary = h5::read_table(g, "summary");
  r.counters = h5::read_table(g, "counters");
  if (h5::exists(g, "events")) r.events = h5::read_table(g, "events");
  r.timeseries = read_group(g, "timeseries");
  r.latency = read_group(g, "latency");
  r.tables = read_group(g, "tables", replay_rows ? "" : "replay");
  if (h5::exists(g, "proc"))
    for (const std::string& p : h5::list(g, "proc"))
      r.proc.emplace_back(p, h5::read_text(g, "proc/" + p));
  return r;
}

}  // namespace allocsim::io
