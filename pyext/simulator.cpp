#include "pyext/simulator.hpp"

#include <algorithm>
#include <type_traits>

#include "io/run/host_memory.hpp"
#include "model/gfp.hpp"
#include "model/slab_flags.hpp"
#include "model/slub.hpp"

namespace allocsim::pyext {

Simulator::Simulator(io::Config config, bool raise_on_bad_free)
    : config_(std::move(config)), raise_(raise_on_bad_free) {
  io::check_host_memory(config_);  // as `allocsim run` does: refused, not std::bad_alloc
  machine_ = std::make_unique<sim::Machine>(config_.machine, config_.run.seed);
  kernel_ = std::make_unique<model::Kernel>(*machine_, config_.kernel);
  kernel_->diagnostics().set_stop_on_error(raise_);
}

sim::Cpu& Simulator::cpu(unsigned id) {
  if (id >= machine_->cpus())
    throw std::out_of_range("cpu " + std::to_string(id) + " of a " +
                            std::to_string(machine_->cpus()) + "-CPU machine");
  return machine_->cpu(id);
}

model::Gfp Simulator::gfp(const std::string& text) const {
  return model::parse_gfp(config_.kernel.flavour, text);  // std::invalid_argument: ValueError
}

model::KmemCache& Simulator::cache(const std::string& name) const {
  const auto it = caches_.find(name);
  if (it != caches_.end()) return *it->second;
  if (model::KmemCache* c = kernel_->slab().find_cache(name)) return *c;
  throw std::invalid_argument("no kmem_cache named '" + name + "'");
}

model::Mempool& Simulator::pool(int id) {
  if (id < 0 || static_cast<std::size_t>(id) >= pools_.size() || !pools_[id])
    throw std::invalid_argument("no mempool " + std::to_string(id));
  return *pools_[static_cast<std::size_t>(id)];
}

// Each call is one op: an op boundary follows it, where every CPU runs the
// kernel work due by its clock (6.x's vmalloc drain work, kswapd).
template <class F>
auto Simulator::call(F&& f) {
  const auto boundary = [this] {
    for (sim::CpuId c = 0; c < machine_->cpus(); ++c) machine_->cpu(c).run_due_work();
  };
  try {
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      boundary();
    } else {
      auto r = f();
      boundary();
      return r;
    }
  } catch (const model::ModelError& e) {
    throw AllocatorError(e.what());
  }
}

bool Simulator::check_free(bool ok, const char* what, std::uint64_t addr) {
  if (ok || !raise_) return ok;
  // Not stopped by the log (a kind it records without stopping): say what failed.
  const auto& d = kernel_->diagnostics().entries();
  throw AllocatorError(d.empty() ? std::string(what) + ": bad address " + std::to_string(addr)
                                 : model::DiagnosticLog::format(d.back()));
}

std::optional<std::uint64_t> Simulator::alloc_pages(unsigned c, unsigned order,
                                                    const std::string& g, int node) {
  if (order > model::kMaxOrder)
    throw std::invalid_argument("order " + std::to_string(order) + " is above MAX_ORDER");
  sim::Cpu& cp = cpu(c);
  const model::Gfp flags = gfp(g);
  const std::optional<model::Pfn> pfn = call([&] {
    return node < 0 ? kernel_->pages().alloc_pages(cp, flags, order)
                    : kernel_->pages().alloc_pages_node(cp, static_cast<sim::NodeId>(node), flags,
                                                        order);
  });
  if (!pfn) return std::nullopt;
  return pfn->value();
}

bool Simulator::free_pages(unsigned c, std::uint64_t pfn, unsigned order) {
  sim::Cpu& cp = cpu(c);
  const bool ok = call([&] { return kernel_->pages().free_pages(cp, model::Pfn(pfn), order); });
  return check_free(ok, "free_pages", pfn);
}

std::optional<std::uint64_t> Simulator::get_zeroed_page(unsigned c, const std::string& g) {
  sim::Cpu& cp = cpu(c);
  const model::Gfp flags = gfp(g);
  const sim::VirtAddr v = call([&] { return kernel_->page_api().get_zeroed_page(cp, flags); });
  if (!v) return std::nullopt;
  return v.value();
}

// sheaf_capacity and freeptr_offset (>= 0) are 6.18 kmem_cache_args, ignored
// by the older flavours.
std::string Simulator::kmem_cache_create(const std::string& name, std::uint32_t size,
                                         std::uint32_t align, const std::string& flags, bool ctor,
                                         unsigned sheaf_capacity, int freeptr_offset) {
  if (caches_.count(name)) throw std::invalid_argument("kmem_cache '" + name + "' exists");
  const model::SlabFlags f = flags.empty() ? 0 : model::parse_slab_flags(flags);
  model::KmemCacheArgs args;
  args.sheaf_capacity = sheaf_capacity;
  if (freeptr_offset >= 0) args.freeptr_offset = static_cast<std::uint32_t>(freeptr_offset);
  model::KmemCache* c = call(
      [&] { return kernel_->slab().kmem_cache_create(cpu(0), name, size, align, f, ctor, args); });
  if (!c) throw std::runtime_error("kmem_cache_create('" + name + "') failed");
  caches_[name] = c;
  return name;
}

std::optional<std::uint64_t> Simulator::kmem_cache_alloc(unsigned c, const std::string& name,
                                                         const std::string& g, int node) {
  sim::Cpu& cp = cpu(c);
  model::KmemCache& kc = cache(name);
  const model::Gfp flags = gfp(g);
  const sim::VirtAddr a =
      call([&] { return kernel_->slab().kmem_cache_alloc(cp, kc, flags, node); });
  if (!a) return std::nullopt;
  return a.value();
}

bool Simulator::kmem_cache_free(unsigned c, const std::string& name, std::uint64_t addr) {
  sim::Cpu& cp = cpu(c);
  model::KmemCache& kc = cache(name);
  const bool ok =
      call([&] { return kernel_->slab().kmem_cache_free(cp, kc, sim::VirtAddr(addr)); });
  return check_free(ok, "kmem_cache_free", addr);
}

void Simulator::kmem_cache_destroy(const std::string& name) {
  model::KmemCache& kc = cache(name);
  const std::uint64_t before = kernel_->diagnostics().errors();
  call([&] { kernel_->slab().kmem_cache_destroy(cpu(0), &kc); });
  if (kernel_->diagnostics().errors() != before && raise_)
    throw AllocatorError(model::DiagnosticLog::format(kernel_->diagnostics().entries().back()));
  caches_.erase(name);
}

int Simulator::kmem_cache_shrink(const std::string& name) {
  model::KmemCache& kc = cache(name);
  return call([&] { return kernel_->slab().kmem_cache_shrink(cpu(0), kc); });
}

std::optional<std::uint64_t> Simulator::kmalloc(unsigned c, std::uint64_t size,
                                                const std::string& g, int node, bool zero) {
  sim::Cpu& cp = cpu(c);
  const model::Gfp flags = gfp(g);
  const sim::VirtAddr a = call([&] {
    return zero ? kernel_->slab().kzalloc(cp, size, flags, node)
                : kernel_->slab().kmalloc(cp, size, flags, node);
  });
  if (!a) return std::nullopt;
  return a.value();
}

bool Simulator::kfree(unsigned c, std::uint64_t addr) {
  sim::Cpu& cp = cpu(c);
  const bool ok = call([&] { return kernel_->slab().kfree(cp, sim::VirtAddr(addr)); });
  return check_free(ok, "kfree", addr);
}

void Simulator::kfree_rcu(unsigned c, std::uint64_t addr) {
  sim::Cpu& cp = cpu(c);
  const std::uint64_t before = kernel_->diagnostics().errors();
  call([&] { kernel_->slab().kfree_rcu(cp, sim::VirtAddr(addr)); });
  check_free(kernel_->diagnostics().errors() == before, "kfree_rcu", addr);
}

void Simulator::kmem_cache_free_rcu(unsigned c, const std::string& name, std::uint64_t addr) {
  sim::Cpu& cp = cpu(c);
  model::KmemCache& kc = cache(name);
  const std::uint64_t before = kernel_->diagnostics().errors();
  call([&] { kernel_->slab().kmem_cache_free_rcu(cp, kc, sim::VirtAddr(addr)); });
  check_free(kernel_->diagnostics().errors() == before, "kmem_cache_free_rcu", addr);
}

void Simulator::advance(unsigned c, sim::Cycles cycles) {
  sim::Cpu& cp = cpu(c);
  cp.spend(cycles);
  call([&] { cp.run_due_work(); });
}

std::uint64_t Simulator::ksize(std::uint64_t addr) const {
  return kernel_->slab().ksize(sim::VirtAddr(addr));
}

std::optional<std::uint64_t> Simulator::vmalloc(unsigned c, std::uint64_t size, bool zero) {
  sim::Cpu& cp = cpu(c);
  const sim::VirtAddr a = call([&] {
    return zero ? kernel_->vmalloc().vzalloc(cp, size, "python")
                : kernel_->vmalloc().vmalloc(cp, size, "python");
  });
  if (!a) return std::nullopt;
  return a.value();
}

bool Simulator::vfree(unsigned c, std::uint64_t addr) {
  sim::Cpu& cp = cpu(c);
  const bool ok = call([&] { return kernel_->vmalloc().vfree(cp, sim::VirtAddr(addr)); });
  return check_free(ok, "vfree", addr);
}

int Simulator::mempool_create(unsigned min_nr, const std::string& cache_name, std::uint64_t size,
                              std::optional<unsigned> order) {
  using B = model::Mempool::Backend;
  const int backends = !cache_name.empty() + (size > 0) + order.has_value();
  if (backends != 1)
    throw std::invalid_argument(
        "a mempool takes exactly one of cache, size (kmalloc) or order (pages)");
  model::KmemCache* kc = cache_name.empty() ? nullptr : &cache(cache_name);
  const B backend = kc ? B::slab : size ? B::kmalloc : B::pages;
  auto p = call([&] {
    return model::Mempool::create(cpu(0), kernel_->slab(), min_nr, backend, kc, size,
                                  order.value_or(0));
  });
  if (!p)
    throw std::runtime_error("mempool_create could not fill its " + std::to_string(min_nr) +
                             " reserved elements");
  pools_.push_back(std::move(p));
  return static_cast<int>(pools_.size() - 1);
}

std::optional<std::uint64_t> Simulator::mempool_alloc(unsigned c, int id, const std::string& g) {
  sim::Cpu& cp = cpu(c);
  model::Mempool& p = pool(id);
  const model::Gfp flags = gfp(g);
  const sim::VirtAddr a = call([&] { return p.alloc(cp, flags); });
  if (!a) return std::nullopt;
  return a.value();
}

void Simulator::mempool_free(unsigned c, int id, std::uint64_t addr) {
  sim::Cpu& cp = cpu(c);
  model::Mempool& p = pool(id);
  call([&] { p.free(cp, sim::VirtAddr(addr)); });
}

sim::Cycles Simulator::touch(unsigned c, std::uint64_t addr, std::uint64_t size, bool write,
                             bool pfn) {
  sim::Cpu& cp = cpu(c);
  const sim::Cycles t0 = cp.now();
  // Python passes plain ints: `addr` is a pfn or a kernel virtual address.
  const sim::VirtAddr v(addr);
  if (!pfn && kernel_->slab().is_vmalloc_addr(v)) {
    kernel_->vmalloc().access(cp, v, size, write);
    return cp.now() - t0;
  }
  const sim::PhysAddr a =
      pfn ? kernel_->pages().pfn_to_phys(model::Pfn(addr)) : kernel_->highmem().virt_to_phys(v);
  cp.access_range(a, size, write ? sim::AccessKind::write : sim::AccessKind::read);
  return cp.now() - t0;
}

std::string Simulator::proc(const std::string& name) const {
  return kernel_->proc(name);
}

std::pair<std::uint64_t, std::uint64_t> Simulator::slab_pages() const {
  const model::SlabPages p = kernel_->slab().slab_pages();
  return {p.reclaimable, p.unreclaimable};
}

std::uint64_t Simulator::large_kmalloc_pages() const {
  return kernel_->slab().large_kmalloc_pages();
}

std::vector<std::pair<std::string, std::string>> Simulator::sysfs_slab(
    const std::string& name) const {
  auto files = kernel_->slab().sysfs_slab(cache(name));
  if (!files)
    throw std::invalid_argument("/sys/kernel/slab exists only with SLUB (kernel.slab: slub)");
  return std::move(*files);
}

// Written on CPU 0, as a shell on the machine would.
void Simulator::sysfs_slab_write(const std::string& name, const std::string& attr,
                                 const std::string& text) {
  model::KmemCache& kc = cache(name);
  call([&] { kernel_->slab().sysfs_slab_write(cpu(0), kc, attr, text); });
}

void Simulator::proc_write(const std::string& name, const std::string& text) {
  if (name != "slabinfo")
    throw std::invalid_argument("/proc/" + name + " is not writable (only slabinfo is)");
  call([&] { kernel_->slab().slabinfo_write(cpu(0), text); });
}

void Simulator::cache_reap(unsigned c) {
  sim::Cpu& cp = cpu(c);
  call([&] { kernel_->slab().cache_reap_now(cp); });
}

std::vector<std::pair<std::string, std::uint64_t>> Simulator::stats() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& e : machine_->stats().counters())
    out.emplace_back(e.scope < 0 ? e.name : e.name + "[" + std::to_string(e.scope) + "]",
                     e.counter.value);
  const model::VmEvents& ev = kernel_->pages().events();
  for (const auto& f : model::VmEvents::kFields)
    out.emplace_back("vm." + std::string(f.stat.name), ev.*f.member);
  out.emplace_back("diagnostics", kernel_->diagnostics().errors());
  const model::RcuStats& rcu = kernel_->rcu().stats();
  for (const auto& f : model::RcuStats::kFields)
    out.emplace_back(std::string(f.stat.name), rcu.*f.member);
  out.emplace_back(std::string(model::kRcuPending.name), kernel_->rcu().pending());
  out.emplace_back("now", machine_->now());
  return out;
}

std::vector<std::string> Simulator::diagnostics() const {
  std::vector<std::string> out;
  for (const model::Diagnostic& d : kernel_->diagnostics().entries())
    out.push_back(model::DiagnosticLog::format(d));
  return out;
}

io::RunOutcome Simulator::run(const std::string& name, std::optional<std::uint64_t> until) {
  if (ran_) throw std::logic_error("this Simulator already ran its workload (make a new one)");
  io::Config c = config_;
  if (until) {
    if (!c.trace.path.empty() || c.workload_kind != io::WorkloadKind::generator)
      throw std::invalid_argument("until bounds a generated workload (workload.kind: generator)");
    if (*until == 0) throw std::invalid_argument("until must be later than the start");
    c.generator.duration = c.generator.duration ? std::min(c.generator.duration, *until) : *until;
  }
  ran_ = true;
  io::ExecuteOptions eo;
  eo.name = name;
  eo.timeseries = io::ExecuteOptions::Timeseries::streamed;  // written by run_into
  kernel_->diagnostics().set_stop_on_error(false);  // a workload's bugs are recorded, as in the CLI
  io::RunOutcome o = io::execute_on(*kernel_, c, eo);
  kernel_->diagnostics().set_stop_on_error(raise_);
  return o;
}

}  // namespace allocsim::pyext
