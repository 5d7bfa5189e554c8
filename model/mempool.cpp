#include "model/mempool.hpp"

#include <algorithm>

namespace allocsim::model {

namespace {
constexpr std::uint64_t kMempoolStructSize = 80;  // mempool_t with its wait queue head
}

Mempool::Mempool(ObjectAllocator& oa, Backend b, KmemCache* cache, std::uint64_t size,
                 unsigned order, int node)
    : oa_(oa), backend_(b), cache_(cache), size_(size), order_(order), node_(node) {
  const Flavour f = oa.page_allocator().flavour();
  gfp_kernel_ = parse_gfp(f, "GFP_KERNEL");
  // 2.6.32 sleeps on __GFP_WAIT, 6.8 on __GFP_DIRECT_RECLAIM.
  wait_bits_ = parse_gfp(f, f != Flavour::linux_2_6 ? "__GFP_DIRECT_RECLAIM" : "__GFP_WAIT");
  io_bit_ = parse_gfp(f, "__GFP_IO");
  extra_ = parse_gfp(f, "__GFP_NOMEMALLOC|__GFP_NORETRY|__GFP_NOWARN");
}

Mempool::~Mempool() = default;

std::unique_ptr<Mempool> Mempool::create(sim::Cpu& cpu, ObjectAllocator& oa, unsigned min_nr,
                                         Backend backend, KmemCache* cache, std::uint64_t size,
                                         unsigned order, int node) {
  if (backend == Backend::slab && !cache)
    throw std::invalid_argument("mempool_create: a slab pool needs a cache");
  std::unique_ptr<Mempool> p(new Mempool(oa, backend, cache, size, order, node));
  p->struct_addr_ = oa.kmalloc(cpu, kMempoolStructSize, p->gfp_kernel_, node);
  p->elements_addr_ =
      oa.kmalloc(cpu, std::max<std::uint64_t>(8, 8ull * min_nr), p->gfp_kernel_, node);
  if (!p->struct_addr_ || !p->elements_addr_) {
    oa.kfree(cpu, p->struct_addr_);
    oa.kfree(cpu, p->elements_addr_);
    return nullptr;
  }
  p->lock_ = std::make_unique<sim::SpinLock>(
      oa.page_allocator().machine().make_lock(oa.highmem().pa(p->struct_addr_), "mempool.lock"));
  p->elements_.reserve(min_nr);
  p->min_nr_ = min_nr;
  // mempool_init_node: fill the reserve (2.6.32 with GFP_KERNEL, 6.8 the caller's gfp).
  while (p->elements_.size() < min_nr) {
    const VirtAddr e = p->backend_alloc(cpu, p->gfp_kernel_);
    if (!e) {
      p->destroy(cpu);
      return nullptr;
    }
    p->add_element(cpu, e);
  }
  return p;
}

VirtAddr Mempool::backend_alloc(sim::Cpu& cpu, Gfp gfp) {
  switch (backend_) {
    case Backend::slab:
      return oa_.kmem_cache_alloc(cpu, *cache_, gfp, node_);
    case Backend::kmalloc:
      return oa_.kmalloc(cpu, size_, gfp, node_);
    case Backend::pages: {
      PageAllocator& pa = oa_.page_allocator();
      const std::optional<Pfn> pfn =
          node_ >= 0 ? pa.alloc_pages_node(cpu, static_cast<sim::NodeId>(node_), gfp, order_)
                     : pa.alloc_pages(cpu, gfp, order_);
      return pfn ? oa_.highmem().va(pa.pfn_to_phys(*pfn)) : VirtAddr{};
    }
  }
  return {};
}

void Mempool::backend_free(sim::Cpu& cpu, VirtAddr e) {
  switch (backend_) {
    case Backend::slab:
      oa_.kmem_cache_free(cpu, *cache_, e);
      break;
    case Backend::kmalloc:
      oa_.kfree(cpu, e);
      break;
    case Backend::pages:
      oa_.page_allocator().free_pages(cpu, oa_.page_allocator().phys_to_pfn(oa_.highmem().pa(e)),
                                      order_);
      break;
  }
}

void Mempool::add_element(sim::Cpu& cpu, VirtAddr e) {
  cpu.write(oa_.highmem().pa(elements_addr_) + 8 * elements_.size(), 8);
  elements_.push_back(e);
}

VirtAddr Mempool::remove_element(sim::Cpu& cpu) {
  const VirtAddr e = elements_.back();
  elements_.pop_back();
  cpu.read(oa_.highmem().pa(elements_addr_) + 8 * elements_.size(), 8);
  return e;
}

VirtAddr Mempool::alloc(sim::Cpu& cpu, Gfp gfp) {
  const bool v6 = oa_.page_allocator().flavour() != Flavour::linux_2_6;
  gfp.bits |= extra_.bits;
  Gfp temp{gfp.bits & ~(wait_bits_.bits | io_bit_.bits)};  // first try: no reclaim, no I/O
  for (;;) {
    if (const VirtAddr e = backend_alloc(cpu, temp)) {
      ++stats_.from_allocator;
      return e;
    }
    cpu.lock(*lock_);
    cpu.read(oa_.highmem().pa(struct_addr_), 8);  // curr_nr
    if (!elements_.empty()) {
      const VirtAddr e = remove_element(cpu);
      cpu.write(oa_.highmem().pa(struct_addr_), 8);
      cpu.unlock(*lock_);
      ++stats_.from_reserve;
      return e;
    }
    if (v6 && temp.bits != gfp.bits) {  // 6.8: retry the allocator with reclaim before waiting
      cpu.unlock(*lock_);
      temp = gfp;
      continue;
    }
    if (!(gfp.bits & wait_bits_.bits)) {  // atomic: fail here
      cpu.unlock(*lock_);
      ++stats_.null_returns;
      return {};
    }
    // Sleep on pool->wait until mempool_free hands an element back. (The
    // kernel's 5*HZ timeout retry is not modelled: a pool nobody refills is
    // reported by the engine as a deadlock.)
    temp = gfp;  // 2.6.32: the retry after the wait may reclaim
    ++stats_.waits;
    waiters_.push_back(&cpu);
    cpu.unlock(*lock_);
    cpu.block();
  }
}

void Mempool::free(sim::Cpu& cpu, VirtAddr element) {
  if (!element) return;
  cpu.read(oa_.highmem().pa(struct_addr_), 8);  // unlocked curr_nr < min_nr
  if (elements_.size() < min_nr_) {
    cpu.lock(*lock_);
    if (elements_.size() < min_nr_) {
      add_element(cpu, element);
      cpu.write(oa_.highmem().pa(struct_addr_), 8);
      cpu.unlock(*lock_);
      ++stats_.to_reserve;
      // wake_up(&pool->wait): every sleeper retries.
      for (sim::Cpu* w : waiters_) w->wake(cpu.now());
      waiters_.clear();
      return;
    }
    cpu.unlock(*lock_);
  }
  ++stats_.to_allocator;
  backend_free(cpu, element);
}

bool Mempool::resize(sim::Cpu& cpu, unsigned new_min_nr) {
  cpu.lock(*lock_);
  while (elements_.size() > new_min_nr) {
    const VirtAddr e = remove_element(cpu);
    cpu.unlock(*lock_);
    backend_free(cpu, e);
    cpu.lock(*lock_);
  }
  if (new_min_nr <= min_nr_) {
    min_nr_ = new_min_nr;
    cpu.unlock(*lock_);
    return true;
  }
  cpu.unlock(*lock_);
  // Growing: a bigger elements[] (kmalloc, copy, kfree), then refill with GFP_KERNEL.
  const VirtAddr bigger = oa_.kmalloc(cpu, 8ull * new_min_nr, gfp_kernel_, node_);
  if (!bigger) return false;
  oa_.kfree(cpu, elements_addr_);
  elements_addr_ = bigger;
  elements_.reserve(new_min_nr);
  min_nr_ = new_min_nr;
  while (elements_.size() < min_nr_) {
    const VirtAddr e = backend_alloc(cpu, gfp_kernel_);
    if (!e) return false;
    cpu.lock(*lock_);
    add_element(cpu, e);
    cpu.unlock(*lock_);
  }
  return true;
}

void Mempool::destroy(sim::Cpu& cpu) {
  while (!elements_.empty()) backend_free(cpu, remove_element(cpu));
  oa_.kfree(cpu, elements_addr_);
  oa_.kfree(cpu, struct_addr_);
  elements_addr_ = struct_addr_ = VirtAddr{};
  min_nr_ = 0;
}

}  // namespace allocsim::model
