// workload.generator: the YAML workload language (docs/workloads.md) read
// into a checked gen::GeneratorSpec. Every error names the file, line and
// dotted key; names are resolved to indices and GFP text to the flavour's bits.
#include "io/config/workload_generator.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "io/config/distribution_text.hpp"
#include "io/config/suggest.hpp"
#include "io/config/units.hpp"
#include "io/config/workload_pools.hpp"
#include "io/config/workload_repeat.hpp"
#include "io/config/yaml_limits.hpp"
#include "model/boot_caches.hpp"
#include "model/object_allocator.hpp"
#include "model/slab_design.hpp"
#include "model/slub_geometry.hpp"
#include "workloads/generator/op_table.hpp"

namespace allocsim::io {
namespace {

using namespace workloads::gen;

// Repetitions of one op in one iteration: each is done before the thread
// looks at the clock again, so an unbounded count would never end.
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 20;
// A scalar after ${} substitution: params cannot multiply a value past
// what a YAML line may hold.
constexpr std::size_t kMaxSubstituted = kMaxYamlLineBytes;

std::string where(const Origin& o) {
  return o.file + ":" + std::to_string(o.line);
}

class GeneratorReader {
 public:
  GeneratorReader(const GeneratorContext& ctx) : ctx_(ctx) {}

  GeneratorSpec read(const Node& original, const std::string& path) {
    // ${name} in any value is replaced by workload.generator.params.name first.
    if (const Node* params = original.find("params")) read_params(*params, path + ".params");
    Node node = original;
    substitute(node, path, {});
    if (Node* threads = node.find("threads")) expand_repeats(*threads, path + ".threads");
    MapReader g = reader(
        &node, path, node.origin(),
        {"name", "params", "duration", "rcu_grace", "quantum", "caches", "mempools", "threads"});
    spec_.name = g.get("name").as_string();
    g.ignore("params");
    spec_.duration = time_or_zero(g, "duration");
    spec_.rcu_grace = time_or_zero(g, "rcu_grace");
    spec_.quantum = time_or_zero(g, "quantum");
    if (auto v = g.find("caches"))
      for (const Value& item : v->as_sequence()) read_cache(item);
    if (auto v = g.find("mempools"))
      for (const Value& item : v->as_sequence()) read_mempool(item);
    const Value threads = g.get("threads");
    for (const Value& item : threads.as_sequence()) read_thread(item);
    if (spec_.threads.empty()) threads.fail("a workload needs at least one thread");
    resolve_pools();
    // A param nothing uses is most likely a misspelt --set: an error, like an unknown key.
    for (const auto& [name, at] : param_origins_)
      if (!used_params_.count(name))
        fail_at(at.first, at.second,
                "param '" + name + "' is never used (no ${" + name + "} and no when: names it)");
    return std::move(spec_);
  }

 private:
  // A pass op: its pool, and the thread and pool it names (resolved later).
  struct PassRef {
    int thread, pool;
    std::string to, into;
    Value at;
    int op_thread = kNone, op_pool = kNone;
  };
  // A typed free: the kind its pool must hold.
  struct FreeCheck {
    int thread, pool;
    ObjectKind want;
    Value at;
  };

  MapReader reader(const Node* node, const std::string& path, const Origin& fallback,
                   std::vector<std::string> allowed) {
    scratch_.emplace_back(Node::map());
    return MapReader(node, path, fallback, &scratch_.back(), std::move(allowed));
  }
  MapReader reader(const Value& v, std::vector<std::string> allowed) {
    if (!v.present()) v.fail("missing required key");
    return reader(&v.node(), v.path(), v.origin(), std::move(allowed));
  }

  Distribution dist(const Value& v, Quantity q) const {
    const std::string text = v.as_string();
    try {
      return parse_distribution(text, q, ctx_.ghz);
    } catch (const std::invalid_argument& e) {
      v.fail(e.what());
    }
  }
  sim::Cycles time_or_zero(MapReader& r, std::string_view key) {
    auto v = r.find(key);
    return v ? v->as_time(ctx_.ghz) : 0;
  }

  void read_params(const Node& node, const std::string& path) {
    if (node.is_null()) return;
    if (!node.is_map()) fail_at(node.origin(), path, "expected a mapping of names to values");
    for (const Node::Entry& e : node.entries()) {
      params_[e.key] = Value(&e.value, path + "." + e.key, e.key_origin).as_string();
      param_origins_[e.key] = {e.key_origin, path + "." + e.key};
    }
  }

  // Replaces ${name} in every scalar outside `params`; an unknown name is an
  // error at the value that uses it. `bound`: the index names of the enclosing
  // repeat items, left for expand_repeats.
  void substitute(Node& n, const std::string& path, const std::set<std::string>& bound) {
    if (n.is_scalar()) {
      std::string text = n.text();
      for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at)) {
        const std::size_t end = text.find('}', at);
        if (end == std::string::npos) fail_at(n.origin(), path, "'${' without a closing '}'");
        const std::string name = text.substr(at + 2, end - at - 2);
        if (bound.count(name)) {
          at = end + 1;
          continue;
        }
        const auto it = params_.find(name);
        if (it == params_.end()) {
          std::vector<std::string> names;
          for (const auto& [k, v] : params_) names.push_back(k);
          std::string message = "no param named '" + name + "'";
          const std::string hint = closest_match(name, names);
          if (!hint.empty()) message += "; did you mean '" + hint + "'?";
          fail_at(n.origin(), path, message);
        }
        used_params_.insert(name);
        if (text.size() - (end - at + 1) + it->second.size() > kMaxSubstituted)
          fail_at(n.origin(), path,
                  "the value grows beyond " + format_size(kMaxSubstituted) +
                      " as ${} params are substituted");
        text.replace(at, end - at + 1, it->second);
        at += it->second.size();
      }
      if (text != n.text()) {
        const Origin o = n.origin();
        n = Node::scalar(text, o);
      }
      return;
    }
    if (n.is_sequence()) {
      for (std::size_t i = 0; i < n.items().size(); ++i)
        substitute(n.items()[i], path + "[" + std::to_string(i) + "]", bound);
      return;
    }
    if (!n.is_map()) return;
    std::set<std::string> inner = bound;
    if (const std::string index = repeat_index_name(n); !index.empty()) {
      if (params_.count(index))
        fail_at(n.origin(), path,
                "the repeat index '" + index + "' has the name of a param (choose another as:)");
      inner.insert(index);
    }
    for (Node::Entry& e : n.entries())
      if (!(e.key == "params" && path.ends_with("generator")))
        substitute(e.value, path + "." + e.key, inner);
  }

  std::string unique_name(const Value& v, std::set<std::string>& seen, const char* what) {
    std::string name = v.as_string();
    if (name.empty()) v.fail(std::string("a ") + what + " needs a name");
    if (!seen.insert(name).second)
      v.fail(std::string("a second ") + what + " named '" + name + "'");
    return name;
  }

  // A declared cache, else one the kernel creates at boot (linux-6.18's
  // maple_node and vm_area_struct), used as it is.
  int cache_index(const Value& v) {
    const std::string name = v.as_string();
    for (std::size_t i = 0; i < spec_.caches.size(); ++i)
      if (spec_.caches[i].name == name) return static_cast<int>(i);
    std::vector<std::string> names;
    for (const CacheSpec& c : spec_.caches) names.push_back(c.name);
    for (const model::BootCache& b : model::boot_caches(ctx_.flavour, ctx_.arch)) {
      if (b.name == name) {
        CacheSpec s;
        s.name = name;
        s.size = b.size;
        s.align = b.align;
        s.flags = b.flags;
        s.args = b.args;
        s.boot = true;
        spec_.caches.push_back(std::move(s));
        return static_cast<int>(spec_.caches.size() - 1);
      }
      names.emplace_back(b.name);
    }
    unknown(v, "cache", name, names);
  }
  int mempool_index(const Value& v) const {
    const std::string name = v.as_string();
    for (std::size_t i = 0; i < spec_.mempools.size(); ++i)
      if (spec_.mempools[i].name == name) return static_cast<int>(i);
    std::vector<std::string> names;
    for (const MempoolSpec& p : spec_.mempools) names.push_back(p.name);
    unknown(v, "mempool", name, names);
  }
  [[noreturn]] static void unknown(const Value& v, const char* what, const std::string& name,
                                   const std::vector<std::string>& names) {
    std::string message = std::string("no ") + what + " named '" + name + "'";
    const std::string hint = closest_match(name, names);
    if (!hint.empty())
      message += "; did you mean '" + hint + "'?";
    else if (!names.empty())
      message += " (there are " + join_alternatives(names) + ")";
    v.fail(message);
  }

  void read_cache(const Value& item) {
    MapReader c = reader(item, {"name", "size", "align", "flags", "ctor", "sheaf_capacity",
                                "freeptr_offset", "limit", "batchcount", "shared", "slab_max_order",
                                "colouring", "cpu_partial", "min_partial"});
    CacheSpec s;
    s.name = unique_name(c.get("name"), cache_names_, "cache");
    // Range-checked in 64 bits, then narrowed: never truncated.
    const std::uint64_t size = c.get("size").as_size();
    if (size > model::kMaxCacheObjectSize)
      c.get("size").fail("a kmem cache object is at most " +
                         format_size(model::kMaxCacheObjectSize) + ", got " + format_size(size));
    s.size = static_cast<std::uint32_t>(size);
    if (auto a = c.find("align")) {
      const std::uint64_t align = a->as_size(0);
      if (align & (align - 1)) a->fail("alignment must be a power of two");
      if (align > kMaxCacheAlign)
        a->fail("alignment must be at most " + format_size(kMaxCacheAlign) + " (a page), got " +
                format_size(align));
      s.align = static_cast<std::uint32_t>(align);
    }
    if (auto f = c.find("flags")) {
      std::string text;
      if (f->node().is_sequence()) {
        for (const Value& flag : f->as_sequence())
          text += (text.empty() ? "" : "|") + flag.as_string();
      } else {
        text = f->as_string();
      }
      try {
        s.flags = model::parse_slab_flags(text);
      } catch (const std::invalid_argument& e) {
        f->fail(e.what());
      }
    }
    if (auto ctor = c.find("ctor")) s.ctor = ctor->as_time(ctx_.ghz);
    // 6.18 kmem_cache_args; the older flavours' kernels lack them and ignore them.
    if (auto cap = c.find("sheaf_capacity"))
      s.args.sheaf_capacity = static_cast<unsigned>(cap->as_uint(0, 1u << 16));
    if (auto fp = c.find("freeptr_offset")) {
      s.args.freeptr_offset = static_cast<std::uint32_t>(fp->as_uint(0, s.size));
      const std::string why =
          model::check_kmem_cache_args(model::Flavour::linux_6_18, s.size, s.flags, s.args);
      if (!why.empty()) fp->fail(why);
    }
    read_cache_tunables(c, s);
    check_slub_layout(c, s);
    spec_.caches.push_back(std::move(s));
  }

  // The per-cache tunables (docs/workloads.md, "caches[]"): each allocator
  // takes its own and ignores the other's, as with the kernel: keys.
  void read_cache_tunables(MapReader& c, CacheSpec& s) const {
    const bool v26 = ctx_.flavour == model::Flavour::linux_2_6;
    model::CacheTunables& t = s.tunables;
    auto u32 = [&](const char* key, std::uint64_t max) -> std::optional<std::uint32_t> {
      if (auto v = c.find(key)) return static_cast<std::uint32_t>(v->as_uint(0, max));
      return std::nullopt;
    };
    t.limit = u32("limit", 0xffffffffull);
    t.batchcount = u32("batchcount", 0xffffffffull);
    t.shared = u32("shared", 0xffffffffull);
    if ((t.batchcount || t.shared) && !t.limit)
      (t.batchcount ? c.get("batchcount") : c.get("shared")).fail("needs limit in the same cache");
    if (t.limit) {
      model::CpucacheTunables check{0, 0, 8};
      const std::string why = model::resolve_cpucache(t, ctx_.flavour, check);
      // Blame the key the reason names, if given.
      const char* key = t.shared && why.find("shared") != std::string::npos           ? "shared"
                        : t.batchcount && why.find("batchcount") != std::string::npos ? "batchcount"
                                                                                      : "limit";
      if (!why.empty()) c.get(key).fail(why);
    }
    if (auto v = c.find("slab_max_order")) {
      if (v26) v->fail("does not exist in linux-2.6 (a linux-6 tunable)");
      s.args.slab_max_order = static_cast<unsigned>(v->as_uint(0, model::kMaxOrder));
    }
    if (auto v = c.find("colouring")) {
      static const std::vector<std::string> kModes = {"on", "off", "forced"};
      s.args.colouring = static_cast<model::SlabColouring>(v->as_choice(kModes));
    }
    if (auto v = c.find("cpu_partial")) {
      if (v26) v->fail("does not exist in linux-2.6 (per-CPU partial lists came with 3.2)");
      t.cpu_partial = static_cast<std::uint32_t>(v->as_uint(0, 0xffffffffull));
    }
    if (auto v = c.find("min_partial"))
      t.min_partial = v->as_uint(0, ctx_.arch == sim::Arch::i386 ? 0xffffffffull : ~0ull);
  }

  // SLUB puts the free pointer after an object that must keep its contents
  // while free (a ctor, SLAB_TYPESAFE_BY_RCU, SLAB_POISON) and rounds the
  // stride up to the alignment: the stride must still fit in the largest
  // slab, as mm/slub.c's calculate_order requires (model::slub_geometry).
  void check_slub_layout(MapReader& c, const CacheSpec& s) const {
    if (!model::slab_design(ctx_.slab.design).traits.slub_layout) return;
    model::SlubParams p;
    p.flavour = ctx_.flavour;
    p.arch = ctx_.arch;
    p.cache_line = ctx_.line_bytes;
    p.nr_cpus = ctx_.cpus;
    p.slub_min_order = ctx_.slab.slub_min_order;
    p.slub_max_order = ctx_.slab.slub_max_order;
    p.slub_min_objects = ctx_.slab.slub_min_objects;
    const model::SlubGeometry g =
        model::slub_geometry(p, s.size, s.align, s.flags, s.ctor > 0, s.args);
    if (g.objects == 0)
      c.get("size").fail(
          "SLUB cannot make this cache: with its free pointer and alignment an "
          "object takes " +
          format_size(g.size) + ", more than the largest slab (" +
          format_size(model::kMaxCacheObjectSize) + ")");
  }

  void read_mempool(const Value& item) {
    MapReader p = reader(item, {"name", "min_nr", "cache", "kmalloc", "pages"});
    MempoolSpec s;
    s.name = unique_name(p.get("name"), mempool_names_, "mempool");
    s.min_nr = static_cast<unsigned>(p.get("min_nr").as_uint(1, 1u << 20));
    int backends = 0;
    if (auto c = p.find("cache")) {
      s.backend = ObjectKind::cache;
      s.cache = cache_index(*c);
      ++backends;
    }
    if (auto k = p.find("kmalloc")) {
      s.backend = ObjectKind::kmalloc;
      s.size = k->as_size();
      ++backends;
    }
    if (auto pg = p.find("pages")) {
      s.backend = ObjectKind::pages;
      s.order = static_cast<unsigned>(pg->as_uint(0, 10));
      ++backends;
    }
    if (backends != 1)
      p.get("name").fail(
          "a mempool needs exactly one of cache (a name), kmalloc (a size) or pages "
          "(an order)");
    spec_.mempools.push_back(std::move(s));
  }

  // "all", "node1", "0-3,6", 5, or a sequence of CPU numbers.
  std::vector<sim::CpuId> cpu_set(const Value& v) const {
    std::vector<sim::CpuId> out;
    if (v.present() && v.node().is_sequence()) {
      for (const Value& item : v.as_sequence()) add_cpu(v, out, item.as_uint());
      if (out.empty()) v.fail("an empty CPU list");
      return out;
    }
    const std::string text = v.as_string();
    bool may_be_empty = false;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      const std::size_t comma = std::min(text.find(',', pos), text.size());
      std::string part = text.substr(pos, comma - pos);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      pos = comma + 1;
      try {
        if (!add_cpu_set_part(v, out, part)) may_be_empty = true;
      } catch (const std::invalid_argument&) {
        v.fail(
            "expected all, nodeK or a cpulist such as 0-3,6 or 1-N:1/4 (N: the last CPU), or a "
            "sequence; got '" +
            text + "'");
      }
    }
    if (out.empty() && !may_be_empty) v.fail("an empty CPU set");
    return out;
  }

  void add_cpu(const Value& v, std::vector<sim::CpuId>& out, std::uint64_t c) const {
    if (c >= ctx_.cpus)
      v.fail("CPU " + std::to_string(c) + " does not exist (the machine has " +
             std::to_string(ctx_.cpus) + ")");
    if (std::find(out.begin(), out.end(), c) != out.end())
      v.fail("CPU " + std::to_string(c) + " is listed twice");
    out.push_back(static_cast<sim::CpuId>(c));
  }

  // One comma-separated part of a CPU set: all, nodeK, or Linux's cpulist
  // (bitmap_parselist) A, A-B, A-B:used/group, N being the last CPU. False
  // for a range up to N that starts past it: it is empty, so that a workload
  // written for bigger machines still runs on a small one. A malformed
  // number throws std::invalid_argument.
  bool add_cpu_set_part(const Value& v, std::vector<sim::CpuId>& out,
                        const std::string& part) const {
    if (part == "all") {
      for (std::uint32_t c = 0; c < ctx_.cpus; ++c) add_cpu(v, out, c);
      return true;
    }
    if (part.starts_with("node")) {
      const std::uint64_t node = parse_uint(part.substr(4));
      if (node >= ctx_.nodes) v.fail("node " + std::to_string(node) + " does not exist");
      for (std::uint32_t c = 0; c < ctx_.cpus; ++c)
        if (ctx_.cpu_node[c] == node) add_cpu(v, out, c);
      return true;
    }
    const auto number = [&](const std::string& t) -> std::uint64_t {
      return t == "N" ? ctx_.cpus - 1 : parse_uint(t);
    };
    const std::size_t colon = part.find(':');
    const std::string range = part.substr(0, colon);
    std::uint64_t used = 1, group = 1;
    if (colon != std::string::npos) {
      const std::size_t slash = part.find('/', colon);
      if (slash == std::string::npos) v.fail("'" + part + "' needs used/group after ':'");
      used = parse_uint(part.substr(colon + 1, slash - colon - 1));
      group = parse_uint(part.substr(slash + 1));
      if (used == 0 || group == 0 || used > group)
        v.fail("in '" + part + "', used/group needs 0 < used <= group");
    }
    const std::size_t dash = range.find('-');
    const std::uint64_t lo = number(range.substr(0, dash));
    const std::uint64_t hi = dash == std::string::npos ? lo : number(range.substr(dash + 1));
    if (lo > hi && range.ends_with("-N")) return false;
    if (lo > hi) v.fail("range '" + part + "' runs backwards");
    for (std::uint64_t c = lo; c <= hi; ++c)
      if ((c - lo) % group < used) add_cpu(v, out, c);
    return true;
  }

  void read_thread(const Value& item) {
    MapReader t = reader(item, {"name", "cpus", "context", "arrival", "max_live", "gfp", "phases",
                                "ops", "iterations", "duration"});
    ThreadSpec s;
    s.name = unique_name(t.get("name"), thread_names_, "thread");
    s.cpus = cpu_set(t.get("cpus"));
    if (auto c = t.find("context")) {
      const std::size_t i = c->as_choice({"process", "irq"});
      s.irq = i == 1;
    }
    if (auto a = t.find("arrival")) {
      if (!s.irq) a->fail("only an irq thread has arrivals (set context: irq)");
      s.arrival = dist(*a, Quantity::time);
    } else if (s.irq) {
      t.get("arrival").fail(
          "an irq thread needs an arrival distribution (such as exponential(50us))");
    }
    if (auto ml = t.find("max_live")) {
      if (s.irq) ml->fail("an irq thread cannot wait for its objects to be freed");
      s.max_live = ml->as_uint(1);
    }
    thread_gfp_ = s.irq ? "GFP_ATOMIC" : "GFP_KERNEL";
    if (auto g = t.find("gfp")) {
      thread_gfp_ = g->as_string();
      gfp(*g, thread_gfp_, s.irq);
    }
    const auto phases = t.find("phases");
    const auto ops = t.find("ops");
    if (phases && ops) ops->fail("give either phases or ops (one phase), not both");
    if (phases) {
      if (t.has("iterations") || t.has("duration"))
        phases->fail("iterations and duration belong to each phase");
      for (const Value& ph : phases->as_sequence()) {
        MapReader p = reader(ph, {"name", "iterations", "duration", "ops"});
        read_phase(p, s, "phase " + std::to_string(s.phases.size()), true);
      }
      if (s.phases.empty()) phases->fail("a thread needs at least one phase");
    } else if (ops) {
      read_phase(t, s, "main", false);  // `name` here is the thread's
    } else {
      t.get("phases").fail("a thread needs phases (or ops)");
    }
    t.ignore("name");
    spec_.threads.push_back(std::move(s));
  }

  void read_phase(MapReader& p, ThreadSpec& s, std::string default_name, bool named) {
    Phase ph;
    auto name = named ? p.find("name") : std::nullopt;
    ph.name = name ? name->as_string() : std::move(default_name);
    if (auto it = p.find("iterations")) ph.iterations = it->as_uint(1);
    if (auto d = p.find("duration")) ph.duration = d->as_time(ctx_.ghz);
    if (ph.iterations == 0 && ph.duration == 0 && !s.irq && spec_.duration == 0)
      p.get("ops").fail("phase '" + ph.name +
                        "' never ends: give it iterations or a duration (or the workload a "
                        "duration)");
    const Value ops = p.get("ops");
    for (const Value& op : ops.as_sequence())
      if (auto parsed = read_op(op, s)) ph.ops.push_back(std::move(*parsed));
    if (ph.ops.empty()) ops.fail("phase '" + ph.name + "' has no operations");
    s.phases.push_back(std::move(ph));
  }

  model::Gfp gfp(const Value& v, const std::string& text, bool irq) const {
    model::Gfp g;
    try {
      g = model::parse_gfp(ctx_.flavour, text);
    } catch (const std::invalid_argument& e) {
      v.fail(e.what());
    }
    if (irq && model::gfp_traits(ctx_.flavour, g).direct_reclaim)
      v.fail("'" + text + "' may sleep, which interrupt context must not (use GFP_ATOMIC)");
    return g;
  }

  // The thread being read: it joins spec_.threads when it is done.
  int current_thread() const { return static_cast<int>(spec_.threads.size()); }

  int pool_ref(ThreadSpec& s, const Value& v) {
    const std::string name = v.as_string();
    if (name.empty()) v.fail("a pool needs a name");
    for (std::size_t i = 0; i < s.pools.size(); ++i)
      if (s.pools[i].name == name) return static_cast<int>(i);
    return add_pool(s, current_thread(), name, v);
  }
  // A new pool of thread `thread` (`s`), first mentioned at `at`.
  int add_pool(ThreadSpec& s, int thread, const std::string& name, const Value& at) {
    s.pools.push_back(Pool{name, ObjectKind::kmalloc, kNone, kNone});
    const int pool = static_cast<int>(s.pools.size() - 1);
    pools_.add({thread, pool, s.name, name, at.origin(), at.path(), false});
    return pool;
  }
  void set_pool_kind(ThreadSpec& s, int pool, ObjectKind kind, const Value& at) {
    WorkloadPools::Entry& e = pools_.at(current_thread(), pool);
    Pool& p = s.pools[static_cast<std::size_t>(pool)];
    if (e.kind_known && p.kind != kind)
      at.fail("pool '" + p.name + "' already holds " + kind_name(p.kind) + " objects, not " +
              kind_name(kind));
    p.kind = kind;
    e.kind_known = true;
  }
  static std::string kind_name(ObjectKind k) {
    switch (k) {
      case ObjectKind::pages:
        return "page";
      case ObjectKind::kmalloc:
        return "kmalloc";
      case ObjectKind::cache:
        return "kmem_cache";
      case ObjectKind::mempool:
        return "mempool";
      case ObjectKind::vmalloc:
        return "vmalloc";
    }
    return "?";
  }

  static Pick pick_of(const Value& v, bool each_ok) {
    std::vector<std::string> names = {"oldest", "newest", "random"};
    if (each_ok) names.emplace_back("each");
    return static_cast<Pick>(v.as_choice(names));
  }

  // ---- Operations (the table: workloads/generator/op_table.hpp) ----

  static const std::vector<std::string>& op_names() {
    static const std::vector<std::string> names = [] {
      std::vector<std::string> out;
      for (const OpDef& d : kOps) out.emplace_back(d.name);
      return out;
    }();
    return names;
  }

  // One op: a single-key mapping such as `kmalloc: {size: 64, into: objs}`,
  // or a scalar shorthand (`compute: 200`, `barrier: b`, `kfree: objs`).
  std::optional<Op> read_op(const Value& item, ThreadSpec& s) {
    if (!item.present() || !item.node().is_map() || item.node().entries().size() != 1)
      item.fail("an operation is a mapping with one key, the operation's name (" +
                join_alternatives(op_names()) + ")");
    const Node::Entry& e = item.node().entries().front();
    const OpDef& def = op_named(e, item.path());
    MapReader r = op_settings(def, e, Value(&e.value, item.path() + "." + e.key, e.key_origin));
    if (!when_holds(r)) return std::nullopt;
    Op op;
    op.kind = def.kind;
    op.where = where(e.key_origin);
    read_count(r, def, op);
    switch (def.family) {
      case OpFamily::alloc:
        read_alloc(r, def, op, s);
        break;
      case OpFamily::page_cache:  // count is all it takes
        break;
      case OpFamily::free:
        read_free(r, def, op, s);
        break;
      case OpFamily::touch:
        read_touch(r, op, s);
        break;
      case OpFamily::pass:
        read_pass(r, op, s);
        break;
      case OpFamily::compute:
        op.cycles = dist(r.get("cycles"), Quantity::time);
        break;
      case OpFamily::sleep:
        if (s.irq) r.get("time").fail("interrupt context cannot sleep");
        op.cycles = dist(r.get("time"), Quantity::time);
        break;
      case OpFamily::barrier:
        read_barrier(r, op, s);
        break;
      case OpFamily::reap:
        if (!model::slab_design(ctx_.slab.design).traits.cache_reap)
          fail_at(e.key_origin, item.path() + "." + e.key,
                  "only SLAB and the magazine design have cache_reap (kernel.slab: slab)");
        break;
    }
    return op;
  }

  const OpDef& op_named(const Node::Entry& e, const std::string& path) const {
    if (const OpDef* def = find_op(e.key)) return *def;
    std::string message = "unknown operation '" + e.key + "'";
    const std::string hint = closest_match(e.key, op_names());
    message += hint.empty() ? " (expected " + join_alternatives(op_names()) + ")"
                            : "; did you mean '" + hint + "'?";
    fail_at(e.key_origin, path, message);
  }

  // The op's settings: its mapping, or its scalar as the value of its
  // shorthand key; only count, when and the op's own keys are allowed.
  MapReader op_settings(const OpDef& def, const Node::Entry& e, const Value& body) {
    const Node* m = &e.value;
    if (e.value.is_scalar()) {
      if (def.shorthand.empty())
        body.fail("expected a mapping of the operation's settings (" + std::string(def.name) +
                  " has no one-value form)");
      // Kept in scratch_: checks done after every thread is read still point into it.
      Node& wrapped = scratch_.emplace_back(Node::map(e.value.origin()));
      wrapped.set(std::string(def.shorthand), e.value, e.value.origin());
      m = &wrapped;
    }
    if (e.value.is_sequence()) body.fail("expected a mapping of the operation's settings");
    std::vector<std::string> allowed = {"count", "when"};
    allowed.insert(allowed.end(), def.keys.begin(), def.keys.end());
    return reader(m, body.path(), e.key_origin, std::move(allowed));
  }

  // `when: {param: value, ...}`: the op is kept only if every param has its value.
  bool when_holds(MapReader& r) {
    const auto w = r.find("when");
    if (!w) return true;
    if (!w->node().is_map()) w->fail("expected a mapping of params to the values they need");
    bool holds = true;
    for (const Node::Entry& c : w->node().entries()) {
      const Value cv(&c.value, w->path() + "." + c.key, c.key_origin);
      const auto it = params_.find(c.key);
      if (it == params_.end()) fail_at(c.key_origin, cv.path(), "no param named '" + c.key + "'");
      used_params_.insert(c.key);
      holds = holds && it->second == cv.as_string();
    }
    return holds;
  }

  void read_count(MapReader& r, const OpDef& def, Op& op) {
    const auto c = r.find("count");
    if (!c) return;
    if (c->present() && c->node().is_scalar() && c->node().text() == "all") {
      if (!takes_count_all(def.family)) c->fail("only free and pass take count: all");
      op.all = true;
    } else {
      op.count = dist(*c, Quantity::count);
      if (op.count.max() > kMaxCount)
        c->fail(op.count.max() == std::numeric_limits<std::uint64_t>::max() &&
                        op.count.kind() != Distribution::Kind::table &&
                        op.count.kind() != Distribution::Kind::uniform
                    ? "a count needs a bounded distribution (a constant, uniform, table or "
                      "pareto with a max), each draw at most " +
                          std::to_string(kMaxCount)
                    : "a count is at most " + std::to_string(kMaxCount) +
                          " per iteration (repeat with iterations), got up to " +
                          std::to_string(op.count.max()));
    }
  }

  void read_alloc(MapReader& r, const OpDef& def, Op& op, ThreadSpec& s) {
    read_alloc_source(r, op, s);
    const auto g = r.find("gfp");
    op.gfp = g ? gfp(*g, g->as_string(), s.irq) : model::parse_gfp(ctx_.flavour, thread_gfp_);
    if (auto n = r.find("node")) op.node = static_cast<int>(n->as_uint(0, ctx_.nodes - 1));
    if (auto i = r.find("init")) op.init = i->as_bool();
    if (auto z = r.find("zero")) op.zero = z->as_bool();
    if (auto rc = r.find("rcu")) op.rcu = rc->as_bool();
    read_alloc_destination(r, *def.objects, op, s);
  }

  // What to allocate: the order, size, cache or mempool.
  void read_alloc_source(MapReader& r, Op& op, const ThreadSpec& s) {
    switch (op.kind) {
      case OpKind::alloc_pages:
        op.amount = dist(r.get("order"), Quantity::count);
        if (op.amount.max() > 10) r.get("order").fail("page orders go up to 10 (MAX_ORDER - 1)");
        break;
      case OpKind::kmalloc:
        op.amount = dist(r.get("size"), Quantity::bytes);
        break;
      case OpKind::vmalloc:
        op.amount = dist(r.get("size"), Quantity::bytes);
        if (s.irq) r.get("size").fail("vmalloc may sleep: not in interrupt context");
        break;
      case OpKind::kmem_cache_alloc:
        op.cache = cache_index(r.get("cache"));
        break;
      case OpKind::mempool_alloc:
        op.mempool = mempool_index(r.get("mempool"));
        break;
      default:
        throw std::logic_error("op kind '" + std::string(to_string(op.kind)) +
                               "' is in the alloc family but has no source to read");
    }
  }

  // Where the object goes: a pool (into, with keep and evict) or a lifetime
  // (with free_by and rcu).
  void read_alloc_destination(MapReader& r, ObjectKind made, Op& op, ThreadSpec& s) {
    const auto lifetime = r.find("lifetime");
    const auto into = r.find("into");
    if (lifetime) {
      op.has_lifetime = true;
      op.lifetime = dist(*lifetime, Quantity::time);
    }
    if (auto fb = r.find("free_by")) {
      if (!lifetime) fb->fail("free_by needs a lifetime");
      read_free_by(*fb, op);
    }
    if (r.find("rcu") && !lifetime) r.get("rcu").fail("an allocation's rcu needs a lifetime");
    if (lifetime && into) into->fail("give either a lifetime or a pool (into), not both");
    if (!lifetime && !into)
      r.get("into").fail("the object needs somewhere to go: a pool (into) or a lifetime");
    if (into) {
      op.pool = pool_ref(s, *into);
      set_pool_kind(s, op.pool, made, *into);
      if (auto k = r.find("keep")) op.keep = k->as_uint(1);
      if (auto ev = r.find("evict")) op.evict = pick_of(*ev, false);
    } else {
      for (const char* key : {"keep", "evict"})
        if (auto v = r.find(key)) v->fail(std::string(key) + " needs a pool (into)");
    }
  }

  void read_free_by(const Value& fb, Op& op) const {
    const Node& n = fb.node();
    if (n.is_scalar() &&
        (n.text() == "self" || n.text() == "next_cpu" || n.text() == "random_cpu")) {
      op.free_by = n.text() == "self"       ? FreeBy::self
                   : n.text() == "next_cpu" ? FreeBy::next_cpu
                                            : FreeBy::random_cpu;
      return;
    }
    op.free_by = FreeBy::cpus;
    op.free_cpus = cpu_set(fb);
    if (op.free_cpus.empty()) fb.fail("free_by selects no CPU of this machine");
  }

  // free and the typed frees, whose pool's kind is checked once every
  // thread is read (it may come through passes).
  void read_free(MapReader& r, const OpDef& def, Op& op, ThreadSpec& s) {
    op.pool = pool_ref(s, r.get("from"));
    if (def.objects)
      free_checks_.push_back({current_thread(), op.pool, *def.objects, r.get("from")});
    if (auto p = r.find("pick")) op.pick = pick_of(*p, false);
    if (auto rc = r.find("rcu")) op.rcu = rc->as_bool();
    read_wait(r, op, s);
  }

  void read_wait(MapReader& r, Op& op, const ThreadSpec& s) {
    if (auto w = r.find("wait")) op.wait = w->as_bool();
    if (op.wait && s.irq) r.get("wait").fail("interrupt context cannot wait");
  }

  void read_touch(MapReader& r, Op& op, ThreadSpec& s) {
    op.pool = pool_ref(s, r.get("from"));
    if (auto p = r.find("pick")) op.pick = pick_of(*p, true);
    if (auto b = r.find("bytes")) op.bytes = b->as_string() == "all" ? 0 : b->as_size();
    if (auto o = r.find("offset")) op.offset = o->as_size(0);
    if (auto md = r.find("mode"))
      op.mode = static_cast<TouchMode>(md->as_choice({"read", "write", "rmw"}));
  }

  // The target thread and pool are resolved once every thread is read.
  void read_pass(MapReader& r, Op& op, ThreadSpec& s) {
    op.pool = pool_ref(s, r.get("from"));
    passes_.push_back({current_thread(), op.pool, r.get("to").as_string(),
                       r.find("into") ? r.get("into").as_string()
                                      : s.pools[static_cast<std::size_t>(op.pool)].name,
                       r.get("to")});
    if (auto p = r.find("pick")) op.pick = pick_of(*p, false);
    if (auto d = r.find("deal"))
      op.deal = static_cast<Deal>(d->as_choice({"same_index", "round_robin", "random"}));
    read_wait(r, op, s);
  }

  void read_barrier(MapReader& r, Op& op, const ThreadSpec& s) {
    if (s.irq) r.get("name").fail("interrupt context cannot wait at a barrier");
    const std::string b = r.get("name").as_string();
    const auto it = std::find(spec_.barriers.begin(), spec_.barriers.end(), b);
    op.barrier = static_cast<int>(it - spec_.barriers.begin());
    if (it == spec_.barriers.end()) spec_.barriers.push_back(b);
  }

  // ---- After every thread is read ----

  // Pass targets, pool kinds through passes, pools that are used but never
  // filled, and the kind a typed free expects.
  void resolve_pools() {
    for (PassRef& p : passes_) resolve_pass_target(p);
    flow_kinds_through_passes();
    for (const WorkloadPools::Entry& e : pools_.entries())
      if (!e.kind_known)
        fail_at(e.origin, e.path,
                "pool '" + e.name +
                    "' is never filled: no allocation puts objects into it and nothing passes "
                    "objects to it");
    for (const FreeCheck& c : free_checks_) {
      const Pool& p =
          spec_.threads[static_cast<std::size_t>(c.thread)].pools[static_cast<std::size_t>(c.pool)];
      if (p.kind != c.want)
        c.at.fail("pool '" + p.name + "' holds " + kind_name(p.kind) + " objects, which " +
                  "this free cannot take (use free, which matches any kind)");
    }
    // The pass ops, in reading order, get their targets.
    for (ThreadSpec& t : spec_.threads)
      for (Phase& ph : t.phases)
        for (Op& op : ph.ops)
          if (op.kind == OpKind::pass) {
            const PassRef& p = passes_[pass_cursor_++];
            op.to_thread = p.op_thread;
            op.to_pool = p.op_pool;
          }
  }

  // The thread `to` names, and its pool `into` (made by this mention if new).
  void resolve_pass_target(PassRef& p) {
    int target = kNone;
    for (std::size_t t = 0; t < spec_.threads.size(); ++t)
      if (spec_.threads[t].name == p.to) target = static_cast<int>(t);
    if (target == kNone) {
      std::vector<std::string> names;
      for (const ThreadSpec& t : spec_.threads) names.push_back(t.name);
      unknown(p.at, "thread", p.to, names);
    }
    ThreadSpec& ts = spec_.threads[static_cast<std::size_t>(target)];
    if (ts.cpus.empty())
      p.at.fail("thread '" + p.to + "' has no CPU on this machine to pass objects to");
    if (ts.irq) p.at.fail("objects cannot be passed to an irq thread");
    int pool = kNone;
    for (std::size_t i = 0; i < ts.pools.size(); ++i)
      if (ts.pools[i].name == p.into) pool = static_cast<int>(i);
    if (pool == kNone) pool = add_pool(ts, target, p.into, p.at);
    p.op_thread = target;
    p.op_pool = pool;
  }

  // A pool that only passes fill takes the kind of the pools passed from,
  // until nothing changes (threads may pass to each other in any order).
  void flow_kinds_through_passes() {
    for (bool changed = true; changed;) {
      changed = false;
      for (const PassRef& p : passes_) {
        const WorkloadPools::Entry& from = pools_.at(p.thread, p.pool);
        WorkloadPools::Entry& to = pools_.at(p.op_thread, p.op_pool);
        if (!from.kind_known) continue;
        const Pool& src = spec_.threads[static_cast<std::size_t>(p.thread)]
                              .pools[static_cast<std::size_t>(p.pool)];
        Pool& dst = spec_.threads[static_cast<std::size_t>(p.op_thread)]
                        .pools[static_cast<std::size_t>(p.op_pool)];
        if (to.kind_known) {
          if (dst.kind != src.kind)
            p.at.fail("pool '" + dst.name + "' of thread '" + p.to + "' holds " +
                      kind_name(dst.kind) + " objects; this passes " + kind_name(src.kind) +
                      " objects into it");
          continue;
        }
        dst.kind = src.kind;
        to.kind_known = true;
        changed = true;
      }
    }
  }

  const GeneratorContext& ctx_;
  GeneratorSpec spec_;
  std::map<std::string, std::string> params_;
  std::map<std::string, std::pair<Origin, std::string>> param_origins_;  // where each was given
  std::set<std::string> used_params_;
  std::set<std::string> cache_names_, mempool_names_, thread_names_;
  std::string thread_gfp_;
  std::deque<Node> scratch_;
  WorkloadPools pools_;
  std::vector<PassRef> passes_;
  std::vector<FreeCheck> free_checks_;
  std::size_t pass_cursor_ = 0;
};

}  // namespace

GeneratorSpec read_generator(const Node& node, const std::string& path,
                             const GeneratorContext& ctx) {
  GeneratorReader r(ctx);
  return r.read(node, path);
}

}  // namespace allocsim::io
