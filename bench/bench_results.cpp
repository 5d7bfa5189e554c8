// The cost of results: the default run with and without timeseries
// sampling, and writing its results to HDF5 (compressed compound tables),
// so the output's share of a run's time can be reported.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "io/results/results_file.hpp"
#include "io/run/execute.hpp"

namespace {

using namespace allocsim;

io::Config config(const std::string& interval) {
  return io::load_config({}, {"run.sample_interval=" + interval});
}

void BM_RunDefault(benchmark::State& state, const char* interval) {
  const io::Config c = config(interval);
  for (auto _ : state) {
    io::RunOutcome o = io::execute(c);
    benchmark::DoNotOptimize(o.elapsed);
  }
}
BENCHMARK_CAPTURE(BM_RunDefault, no_samples, "none")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RunDefault, samples_20us, "20us")->Unit(benchmark::kMillisecond);

void BM_WriteResults(benchmark::State& state) {
  const io::RunOutcome o = io::execute(config("20us"));
  const std::string path =
      (std::filesystem::temp_directory_path() / "allocsim-bench-results.h5").string();
  for (auto _ : state) io::write_results_file(path, {&o.results});
  state.counters["bytes"] = static_cast<double>(std::filesystem::file_size(path));
  std::filesystem::remove(path);
}
BENCHMARK(BM_WriteResults)->Unit(benchmark::kMillisecond);

}  // namespace
