#pragma once
// Every operation of the workload language (docs/workloads.md, "Operations"),
// defined once: its name, its one-value form, the keys it takes, the object
// kind it makes or takes, and its family. The YAML reader, the runner, the
// op kind names, the latency histograms' names and the number of op kinds
// all come from this table.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "workloads/generator/spec.hpp"

namespace allocsim::workloads::gen {

// What an op does with objects; picks its reader and, in the runner, its work.
enum class OpFamily : std::uint8_t {
  alloc,       // makes an object: into a pool, or with a lifetime
  page_cache,  // makes a page that the page cache owns
  free,        // frees objects of a pool
  touch,       // reads or writes objects of a pool
  pass,        // moves objects to another thread's pool
  compute,     // spends cycles
  sleep,       // waits for simulated time
  barrier,     // waits for the other threads at the barrier
  reap         // runs the object allocator's periodic reap (SLAB's cache_reap)
};

struct OpDef {
  OpKind kind;
  std::string_view name;       // in the workload language
  std::string_view shorthand;  // the key a scalar value sets (`kfree: objs`); empty: none
  std::span<const std::string_view> keys;  // besides count and when, in the order errors list
  std::optional<ObjectKind> objects;       // allocations: the kind made; typed frees: the one taken
  OpFamily family;
};

namespace op_keys {

template <std::size_t N>
constexpr std::array<std::string_view, N + 1> plus(const std::array<std::string_view, N>& keys,
                                                   std::string_view key) {
  std::array<std::string_view, N + 1> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = keys[i];
  out[N] = key;
  return out;
}

// docs/workloads.md, "alloc keys".
inline constexpr std::array<std::string_view, 10> kAlloc = {
    "gfp", "node", "into", "keep", "evict", "lifetime", "free_by", "rcu", "init", "zero"};
inline constexpr auto kAllocPages = plus(kAlloc, "order");
inline constexpr auto kAllocSized = plus(kAlloc, "size");
inline constexpr auto kAllocCache = plus(kAlloc, "cache");
inline constexpr auto kAllocMempool = plus(kAlloc, "mempool");
inline constexpr std::array<std::string_view, 0> kNone = {};
inline constexpr std::array<std::string_view, 4> kFree = {"from", "pick", "rcu", "wait"};
inline constexpr std::array<std::string_view, 5> kTouch = {"from", "pick", "bytes", "offset",
                                                           "mode"};
inline constexpr std::array<std::string_view, 6> kPass = {"from", "to",   "into",
                                                          "pick", "deal", "wait"};
inline constexpr std::array<std::string_view, 1> kCompute = {"cycles"};
inline constexpr std::array<std::string_view, 1> kSleep = {"time"};
inline constexpr std::array<std::string_view, 1> kBarrier = {"name"};

}  // namespace op_keys

// In OpKind order; the first entry of each kind names it, the typed frees
// follow `free`. Error messages list the ops in this order.
inline constexpr OpDef kOps[] = {
    {OpKind::alloc_pages, "alloc_pages", "order", op_keys::kAllocPages, ObjectKind::pages,
     OpFamily::alloc},
    {OpKind::kmalloc, "kmalloc", "size", op_keys::kAllocSized, ObjectKind::kmalloc,
     OpFamily::alloc},
    {OpKind::kmem_cache_alloc, "kmem_cache_alloc", "cache", op_keys::kAllocCache, ObjectKind::cache,
     OpFamily::alloc},
    {OpKind::mempool_alloc, "mempool_alloc", "mempool", op_keys::kAllocMempool, ObjectKind::mempool,
     OpFamily::alloc},
    {OpKind::vmalloc, "vmalloc", "size", op_keys::kAllocSized, ObjectKind::vmalloc,
     OpFamily::alloc},
    {OpKind::page_cache, "page_cache", "count", op_keys::kNone, std::nullopt, OpFamily::page_cache},
    {OpKind::free, "free", "from", op_keys::kFree, std::nullopt, OpFamily::free},
    {OpKind::free, "kfree", "from", op_keys::kFree, ObjectKind::kmalloc, OpFamily::free},
    {OpKind::free, "kmem_cache_free", "from", op_keys::kFree, ObjectKind::cache, OpFamily::free},
    {OpKind::free, "free_pages", "from", op_keys::kFree, ObjectKind::pages, OpFamily::free},
    {OpKind::free, "mempool_free", "from", op_keys::kFree, ObjectKind::mempool, OpFamily::free},
    {OpKind::free, "vfree", "from", op_keys::kFree, ObjectKind::vmalloc, OpFamily::free},
    {OpKind::touch, "touch", "from", op_keys::kTouch, std::nullopt, OpFamily::touch},
    {OpKind::compute, "compute", "cycles", op_keys::kCompute, std::nullopt, OpFamily::compute},
    {OpKind::sleep, "sleep", "time", op_keys::kSleep, std::nullopt, OpFamily::sleep},
    {OpKind::barrier, "barrier", "name", op_keys::kBarrier, std::nullopt, OpFamily::barrier},
    {OpKind::pass, "pass", "", op_keys::kPass, std::nullopt, OpFamily::pass},
    {OpKind::cache_reap, "cache_reap", "", op_keys::kNone, std::nullopt, OpFamily::reap},
};

namespace detail {

// The kinds run 0, 1, 2, ... in table order, each entry's kind the one before
// or the next: what kOpKinds and op_def() rely on.
constexpr bool kinds_in_enum_order() {
  std::size_t kind = 0;
  for (std::size_t i = 0; i < std::size(kOps); ++i) {
    const auto k = static_cast<std::size_t>(kOps[i].kind);
    if (i == 0 ? k != 0 : k != kind && k != kind + 1) return false;
    kind = k;
  }
  return true;
}
static_assert(kinds_in_enum_order(), "kOps must list the op kinds in OpKind order");

}  // namespace detail

// The number of op kinds (results have a row of counts per kind).
inline constexpr std::size_t kOpKinds = static_cast<std::size_t>(std::end(kOps)[-1].kind) + 1;

namespace detail {

// Where in kOps each kind's first (naming) entry is.
inline constexpr std::array<std::size_t, kOpKinds> kKindEntry = [] {
  std::array<std::size_t, kOpKinds> at{};
  for (std::size_t i = std::size(kOps); i-- > 0;) at[static_cast<std::size_t>(kOps[i].kind)] = i;
  return at;
}();

}  // namespace detail

// The entry that names `kind`.
constexpr const OpDef& op_def(OpKind kind) {
  return kOps[detail::kKindEntry[static_cast<std::size_t>(kind)]];
}
constexpr std::string_view to_string(OpKind kind) {
  return op_def(kind).name;
}
// The op called `name` in the workload language, or null.
constexpr const OpDef* find_op(std::string_view name) {
  for (const OpDef& d : kOps)
    if (d.name == name) return &d;
  return nullptr;
}

// `count: all` (every object of the pool in one unit) is for the ops that
// take objects out of a pool.
constexpr bool takes_count_all(OpFamily f) {
  return f == OpFamily::free || f == OpFamily::pass;
}

}  // namespace allocsim::workloads::gen
