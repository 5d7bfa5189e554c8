#pragma once
// The step-by-step kernel behind allocsim.Simulator: one machine and kernel
// built from a config, on which Python calls the kernel's allocation API as
// a chosen CPU (each call charged to the hardware model), then may run the
// configured workload. Bad frees raise AllocatorError, or are only recorded
// (diagnostics) when built with on_bad_free="record".
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "io/run/execute.hpp"
#include "model/kernel.hpp"
#include "model/mempool.hpp"
#include "sim/machine.hpp"

namespace allocsim::pyext {

// A workload bug the kernel would report (double free, bad address, ...).
struct AllocatorError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Simulator {
 public:
  Simulator(io::Config config, bool raise_on_bad_free);

  const io::Config& config() const { return config_; }
  sim::Cycles now() const { return machine_->now(); }
  sim::Cycles cpu_now(unsigned c) { return cpu(c).now(); }  // one CPU's clock

  std::optional<std::uint64_t> alloc_pages(unsigned cpu, unsigned order, const std::string& gfp,
                                           int node);
  bool free_pages(unsigned cpu, std::uint64_t pfn, unsigned order);
  std::optional<std::uint64_t> get_zeroed_page(unsigned cpu, const std::string& gfp);

  std::string kmem_cache_create(const std::string& name, std::uint32_t size, std::uint32_t align,
                                const std::string& flags, bool ctor, unsigned sheaf_capacity,
                                int freeptr_offset);
  std::optional<std::uint64_t> kmem_cache_alloc(unsigned cpu, const std::string& cache,
                                                const std::string& gfp, int node);
  bool kmem_cache_free(unsigned cpu, const std::string& cache, std::uint64_t addr);
  void kmem_cache_destroy(const std::string& cache);
  int kmem_cache_shrink(const std::string& cache);

  std::optional<std::uint64_t> kmalloc(unsigned cpu, std::uint64_t size, const std::string& gfp,
                                       int node, bool zero);
  bool kfree(unsigned cpu, std::uint64_t addr);
  void kfree_rcu(unsigned cpu, std::uint64_t addr);
  void kmem_cache_free_rcu(unsigned cpu, const std::string& cache, std::uint64_t addr);
  // `cpu` idles `cycles`, then passes an op boundary: its due kernel work runs.
  void advance(unsigned cpu, sim::Cycles cycles);
  std::uint64_t ksize(std::uint64_t addr) const;

  std::optional<std::uint64_t> vmalloc(unsigned cpu, std::uint64_t size, bool zero);
  bool vfree(unsigned cpu, std::uint64_t addr);

  int mempool_create(unsigned min_nr, const std::string& cache, std::uint64_t size,
                     std::optional<unsigned> order);
  std::optional<std::uint64_t> mempool_alloc(unsigned cpu, int pool, const std::string& gfp);
  void mempool_free(unsigned cpu, int pool, std::uint64_t addr);

  // Reads or writes [addr, addr+size) line by line from `cpu`: a kmalloc or
  // slab object's address, a vmalloc address, or a page frame's (pfn << 12
  // with `pfn=True` on the Python side). Returns the cycles it cost.
  sim::Cycles touch(unsigned cpu, std::uint64_t addr, std::uint64_t size, bool write, bool pfn);

  std::string proc(const std::string& name) const;
  // Slab pages as /proc/vmstat counts them: (reclaimable, unreclaimable).
  std::pair<std::uint64_t, std::uint64_t> slab_pages() const;
  std::uint64_t large_kmalloc_pages() const;
  std::vector<std::pair<std::string, std::string>> sysfs_slab(const std::string& cache) const;
  // Writes through the kernel's interfaces: model::SlabTuneError (OSError
  // with the errno) where the kernel refuses them.
  void sysfs_slab_write(const std::string& cache, const std::string& attr, const std::string& text);
  void proc_write(const std::string& name, const std::string& text);
  void cache_reap(unsigned cpu);
  std::vector<std::pair<std::string, std::uint64_t>> stats() const;
  std::vector<std::string> diagnostics() const;

  // The configured workload on this kernel, once; `until` (cycles after the
  // workload starts) bounds a generated workload like workload.generator.duration.
  io::RunOutcome run(const std::string& name, std::optional<std::uint64_t> until);

 private:
  sim::Cpu& cpu(unsigned id);
  model::Gfp gfp(const std::string& text) const;
  model::KmemCache& cache(const std::string& name) const;
  model::Mempool& pool(int id);
  // Runs a kernel call, turning a stop-on-error ModelError into AllocatorError.
  template <class F>
  auto call(F&& f);
  bool check_free(bool ok, const char* what, std::uint64_t addr);

  io::Config config_;
  bool raise_;
  std::unique_ptr<sim::Machine> machine_;
  std::unique_ptr<model::Kernel> kernel_;
  std::map<std::string, model::KmemCache*> caches_;
  std::vector<std::unique_ptr<model::Mempool>> pools_;
  bool ran_ = false;
};

}  // namespace allocsim::pyext
