// _allocsim: the C++ simulator for Python (pybind11). A thin layer: loading
// configs, running them into results files, and the step-by-step Simulator.
// The idiomatic API (allocsim.Simulator, run, load, sweep, plot) is the
// Python package in analysis/allocsim, which wraps this module.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "allocsim/version.hpp"
#include "io/config/load.hpp"
#include "io/results/atomic_output.hpp"
#include "io/results/results_file.hpp"
#include "io/results/stats_schema.hpp"
#include "io/run/execute.hpp"
#include "model/slab_design.hpp"
#include "pyext/simulator.hpp"
#include "pyext/sweep_bindings.hpp"
#include "workloads/trace/trace.hpp"

namespace py = pybind11;
using namespace allocsim;

namespace {

io::Config load(const std::vector<std::string>& files, const std::optional<std::string>& yaml,
                const std::string& source, const std::vector<std::string>& sets,
                std::optional<std::uint64_t> seed) {
  if (yaml) return io::load_config_text(*yaml, source, sets, seed);
  return io::load_config(files, sets, seed);
}

py::object cell(const h5::Column& c) {
  switch (c.type) {
    case h5::Column::Type::u64:
      return py::int_(c.u.at(0));
    case h5::Column::Type::i64:
      return py::int_(c.i.at(0));
    case h5::Column::Type::f64:
      return py::float_(c.f.at(0));
    case h5::Column::Type::str:
      return py::str(c.s.at(0));
  }
  return py::none();
}

// One statistic of the schema: the keys of `allocsim stats --json`'s statistics.
py::dict stat_dict(const io::StatEntry& e) {
  py::dict d;
  d["component"] = std::string(e.component);
  d["name"] = std::string(e.stat.name);
  d["type"] = std::string(e.type);
  d["unit"] = std::string(e.stat.unit);
  d["meaning"] = std::string(e.stat.meaning);
  d["source"] = std::string(e.stat.source);
  for (const auto kind : {io::StatPlace::Kind::summary, io::StatPlace::Kind::counters,
                          io::StatPlace::Kind::timeseries, io::StatPlace::Kind::tables}) {
    py::list names;
    for (const io::StatPlace& p : e.places)
      if (p.kind == kind) names.append(p.name);
    d[py::str(std::string(io::to_string(kind)))] = names;
  }
  return d;
}

py::dict summary_dict(const h5::Table& t) {
  py::dict d;
  if (t.rows() == 0) return d;
  for (const h5::Column& c : t.columns()) d[py::str(c.name)] = cell(c);
  return d;
}

// Runs and writes one run to `out` (a new file), without the GIL.
py::dict run_into(const std::function<io::RunOutcome()>& body, const std::string& out) {
  io::RunOutcome o;
  {
    py::gil_scoped_release unlocked;
    o = body();
    io::write_results_file(out, {&o.results});
  }
  return summary_dict(o.results.summary);
}

}  // namespace

PYBIND11_MODULE(_allocsim, m) {
  m.doc() = "allocsim's C++ simulator (use the allocsim package, not this module)";
  m.attr("version") = kVersion;
  m.attr("git_revision") = kGitRevision;

  static py::exception<io::ConfigError> config_error(m, "ConfigError", PyExc_ValueError);
  static py::exception<allocsim::pyext::AllocatorError> allocator_error(m, "AllocatorError",
                                                                        PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const io::ConfigError& e) {
      config_error(e.what());
    } catch (const workloads::trace::TraceError& e) {
      config_error(e.what());
    } catch (const io::OutputError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const allocsim::pyext::AllocatorError& e) {
      allocator_error(e.what());
    } catch (const model::SlabTuneError& e) {  // a refused write: OSError(errno, message)
      py::object err = py::module_::import("builtins").attr("OSError")(e.err, e.what());
      PyErr_SetObject(PyExc_OSError, err.ptr());
    }
  });

  m.def(
      "resolve",
      [](const std::vector<std::string>& files, const std::optional<std::string>& yaml,
         const std::string& source, const std::vector<std::string>& sets,
         std::optional<std::uint64_t> seed) {
        return load(files, yaml, source, sets, seed).resolved_yaml;
      },
      py::arg("files"), py::arg("yaml_text"), py::arg("source"), py::arg("sets"), py::arg("seed"),
      "The fully resolved config (YAML text); raises ConfigError for bad input.");

  m.def(
      "run",
      [](const std::vector<std::string>& files, const std::optional<std::string>& yaml,
         const std::string& source, const std::vector<std::string>& sets,
         std::optional<std::uint64_t> seed, const std::string& out, const std::string& name,
         const std::string& parameters) {
        const io::Config c = load(files, yaml, source, sets, seed);
        if (const std::string p = io::run_name_problem(name); !p.empty())
          throw std::invalid_argument("run name '" + name + "': " + p);
        io::ExecuteOptions eo;
        eo.name = name;
        eo.parameters = parameters;
        eo.timeseries = io::ExecuteOptions::Timeseries::streamed;
        return run_into([&] { return io::execute(c, eo); }, out);
      },
      py::arg("files"), py::arg("yaml_text"), py::arg("source"), py::arg("sets"), py::arg("seed"),
      py::arg("out"), py::arg("name") = "run", py::arg("parameters") = "",
      "Runs one config (the GIL released) and writes its one run to a new HDF5 file `out`; "
      "returns the summary row as a dict.");

  allocsim::pyext::bind_sweep(m);
  m.def(
      "slab_designs",
      [] {
        py::list out;
        for (const model::SlabDesign& d : model::slab_designs()) {
          py::dict e;
          e["name"] = std::string(d.traits.name);
          e["display_name"] = std::string(d.traits.display_name);
          e["proc_slabinfo"] = d.traits.proc_slabinfo;
          e["removed_in"] = std::string(d.traits.removed_in);
          out.append(std::move(e));
        }
        return out;
      },
      "The object-allocator designs kernel.slab accepts (the registry), in registration order.");
  m.def(
      "stats_schema",
      [] {
        py::list out;
        for (const io::StatEntry& e : io::stats_schema()) out.append(stat_dict(e));
        return out;
      },
      "Every statistic a results file can hold (allocsim stats --json's statistics): a list of "
      "dicts with component, name, type, unit, meaning, source and the lists summary, counters, "
      "timeseries, tables.");

  using allocsim::pyext::Simulator;
  py::class_<Simulator>(m, "Simulator")
      .def(
          py::init([](const std::vector<std::string>& files, const std::optional<std::string>& yaml,
                      const std::string& source, const std::vector<std::string>& sets,
                      std::optional<std::uint64_t> seed, bool raise_on_bad_free) {
            return std::make_unique<Simulator>(load(files, yaml, source, sets, seed),
                                               raise_on_bad_free);
          }),
          py::arg("files"), py::arg("yaml_text"), py::arg("source"), py::arg("sets"),
          py::arg("seed"), py::arg("raise_on_bad_free") = true)
      .def_property_readonly("now", &Simulator::now)
      .def("cpu_now", &Simulator::cpu_now, py::arg("cpu"))
      .def_property_readonly("config", [](const Simulator& s) { return s.config().resolved_yaml; })
      .def_property_readonly("cpus", [](const Simulator& s) { return s.config().machine.cpus; })
      .def("alloc_pages", &Simulator::alloc_pages, py::arg("cpu"), py::arg("order"), py::arg("gfp"),
           py::arg("node") = -1)
      .def("free_pages", &Simulator::free_pages, py::arg("cpu"), py::arg("pfn"), py::arg("order"))
      .def("get_zeroed_page", &Simulator::get_zeroed_page, py::arg("cpu"), py::arg("gfp"))
      .def("kmem_cache_create", &Simulator::kmem_cache_create, py::arg("name"), py::arg("size"),
           py::arg("align"), py::arg("flags"), py::arg("ctor") = false,
           py::arg("sheaf_capacity") = 0, py::arg("freeptr_offset") = -1)
      .def("kmem_cache_alloc", &Simulator::kmem_cache_alloc, py::arg("cpu"), py::arg("cache"),
           py::arg("gfp"), py::arg("node") = -1)
      .def("kmem_cache_free", &Simulator::kmem_cache_free, py::arg("cpu"), py::arg("cache"),
           py::arg("addr"))
      .def("kmem_cache_destroy", &Simulator::kmem_cache_destroy, py::arg("cache"))
      .def("kmem_cache_shrink", &Simulator::kmem_cache_shrink, py::arg("cache"))
      .def("kmalloc", &Simulator::kmalloc, py::arg("cpu"), py::arg("size"), py::arg("gfp"),
           py::arg("node") = -1, py::arg("zero") = false)
      .def("kfree", &Simulator::kfree, py::arg("cpu"), py::arg("addr"))
      .def("kfree_rcu", &Simulator::kfree_rcu, py::arg("cpu"), py::arg("addr"))
      .def("kmem_cache_free_rcu", &Simulator::kmem_cache_free_rcu, py::arg("cpu"), py::arg("cache"),
           py::arg("addr"))
      .def("advance", &Simulator::advance, py::arg("cpu"), py::arg("cycles"))
      .def("ksize", &Simulator::ksize, py::arg("addr"))
      .def("vmalloc", &Simulator::vmalloc, py::arg("cpu"), py::arg("size"), py::arg("zero") = false)
      .def("vfree", &Simulator::vfree, py::arg("cpu"), py::arg("addr"))
      .def("mempool_create", &Simulator::mempool_create, py::arg("min_nr"), py::arg("cache") = "",
           py::arg("size") = 0, py::arg("order") = std::nullopt)
      .def("mempool_alloc", &Simulator::mempool_alloc, py::arg("cpu"), py::arg("pool"),
           py::arg("gfp"))
      .def("mempool_free", &Simulator::mempool_free, py::arg("cpu"), py::arg("pool"),
           py::arg("addr"))
      .def("touch", &Simulator::touch, py::arg("cpu"), py::arg("addr"), py::arg("size"),
           py::arg("write") = false, py::arg("pfn") = false)
      .def("proc", &Simulator::proc, py::arg("name"))
      .def("slab_pages", &Simulator::slab_pages)
      .def("large_kmalloc_pages", &Simulator::large_kmalloc_pages)
      .def("sysfs_slab", &Simulator::sysfs_slab, py::arg("cache"))
      .def("sysfs_slab_write", &Simulator::sysfs_slab_write, py::arg("cache"), py::arg("attr"),
           py::arg("text"))
      .def("proc_write", &Simulator::proc_write, py::arg("name"), py::arg("text"))
      .def("cache_reap", &Simulator::cache_reap, py::arg("cpu"))
      .def("stats", &Simulator::stats)
      .def("diagnostics", &Simulator::diagnostics)
      .def(
          "run",
          [](Simulator& s, const std::string& out, const std::string& name,
             std::optional<std::uint64_t> until) {
            return run_into([&] { return s.run(name, until); }, out);
          },
          py::arg("out"), py::arg("name") = "run", py::arg("until") = std::nullopt);
}
