// machine.lock_classes: per lock class (sim/lock_class.hpp) the spinlock kind
// and extra acquire/release cycles, for studies of lock overhead. Classes left
// out use machine.locks and no extra cost.
#include "io/config/machine_parts.hpp"

namespace allocsim::io {
namespace {

constexpr std::array<EnumName<sim::LockKind>, 2> kKinds{
    {{"ticket", sim::LockKind::ticket}, {"queued", sim::LockKind::queued}}};

constexpr std::uint64_t kMaxLockCycles = 1u << 20;

}  // namespace

void read_lock_classes(MapReader& machine, sim::MachineConfig& m) {
  std::vector<std::string> keys;
  for (const sim::LockClassDecl& d : sim::kLockClasses) keys.emplace_back(d.key);
  MapReader classes = machine.map("lock_classes", keys);
  for (std::size_t i = 0; i < sim::kLockClasses.size(); ++i) {
    const std::string_view key = sim::kLockClasses[i].key;
    if (!classes.has(key)) continue;
    MapReader c = classes.map(key, {"kind", "acquire_cycles", "release_cycles"});
    sim::LockClassConfig& lc = m.lock_classes[i];
    if (c.has("kind")) lc.kind = c.enumeration("kind", kKinds);
    if (c.has("acquire_cycles")) lc.acquire_cycles = c.uint("acquire_cycles", 0, kMaxLockCycles);
    if (c.has("release_cycles")) lc.release_cycles = c.uint("release_cycles", 0, kMaxLockCycles);
    c.done();
  }
  classes.done();
}

}  // namespace allocsim::io
