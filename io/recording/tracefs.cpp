#include "io/recording/tracefs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "io/config/suggest.hpp"
#include "io/recording/error.hpp"
#include "io/recording/files.hpp"

namespace allocsim::io::recording {
namespace fs = std::filesystem;

namespace {

// include/trace/events/kmem.h and include/trace/events/vmalloc.h (6.x).
constexpr const char* kDefaultEvents[] = {
    "kmem/kmalloc",
    "kmem/kfree",
    "kmem/kmem_cache_alloc",
    "kmem/kmem_cache_free",
    "kmem/mm_page_alloc",
    "kmem/mm_page_free",
    "kmem/mm_page_free_batched",
    "kmem/mm_page_alloc_zone_locked",
    "kmem/mm_page_pcpu_drain",
    "kmem/mm_page_alloc_extfrag",
    "vmalloc/alloc_vmap_area",
    "vmalloc/free_vmap_area_noflush",
    "vmalloc/purge_vmap_area_lazy",
};

bool has_event(const std::string& events_dir, const EventId& e) {
  std::error_code ec;
  return fs::exists(fs::path(events_dir) / e.system / e.name / "enable", ec);
}

// Every "system/event" under events/ (for "did you mean" and bare names).
std::vector<EventId> all_events(const std::string& events_dir) {
  std::vector<EventId> out;
  std::error_code ec;
  for (const auto& sys : fs::directory_iterator(events_dir, ec)) {
    if (!sys.is_directory(ec)) continue;
    for (const auto& ev : fs::directory_iterator(sys.path(), ec))
      if (ev.is_directory(ec))
        out.push_back({sys.path().filename().string(), ev.path().filename().string()});
  }
  std::sort(out.begin(), out.end(),
            [](const EventId& a, const EventId& b) { return a.full() < b.full(); });
  return out;
}

}  // namespace

bool tracefs_mounted_at(std::string_view mounts, std::string_view path) {
  std::istringstream in{std::string(mounts)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string source, target, type;
    words >> source >> target >> type;
    if (type == "tracefs" && target == path) return true;
  }
  return false;
}

Tracefs::Tracefs(std::string path) : root_(std::move(path)) {
  const std::optional<std::string> mounts = read_text("/proc/self/mounts");
  if (!mounts) throw std::runtime_error("cannot read /proc/self/mounts");
  if (!tracefs_mounted_at(*mounts, root_)) {
    std::error_code ec;
    if (!fs::is_directory(root_, ec))
      throw InputError("this kernel has no tracefs (no " + root_ + ")");
    if (::mount("tracefs", root_.c_str(), "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) !=
        0) {
      if (errno == ENODEV) throw InputError("this kernel has no tracefs support (CONFIG_TRACING)");
      throw InputError("cannot mount tracefs at " + root_ + ": " + std::strerror(errno));
    }
    mounted_ = true;
  }
  std::error_code ec;
  if (!fs::is_directory(fs::path(root_) / "instances", ec) ||
      !fs::is_directory(fs::path(root_) / "events", ec)) {
    if (mounted_ && ::umount2(root_.c_str(), 0) != 0) ::umount2(root_.c_str(), MNT_DETACH);
    throw InputError(root_ + " has no events/ or instances/: this kernel's tracefs is too old");
  }
}

Tracefs::~Tracefs() {
  if (!mounted_) return;
  if (::umount2(root_.c_str(), 0) != 0) ::umount2(root_.c_str(), MNT_DETACH);
  mounted_ = false;
}

void write_control(const std::string& path, std::string_view value) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  std::string text(value);
  text += '\n';
  ssize_t n;
  do {
    n = ::write(fd, text.data(), text.size());
  } while (n < 0 && errno == EINTR);
  const int err = errno;
  ::close(fd);
  if (n < 0)
    throw std::runtime_error("cannot write '" + std::string(value) + "' to " + path + ": " +
                             std::strerror(err));
}

std::vector<EventId> default_events(const std::string& events_dir) {
  std::vector<EventId> out;
  for (std::string_view full : kDefaultEvents) {
    const std::size_t slash = full.find('/');
    EventId e{std::string(full.substr(0, slash)), std::string(full.substr(slash + 1))};
    if (has_event(events_dir, e)) out.push_back(std::move(e));
  }
  return out;
}

std::vector<EventId> resolve_events(const std::string& events_dir,
                                    const std::vector<std::string>& names) {
  std::vector<EventId> known;  // read once, only if a name needs it
  const auto everything = [&]() -> const std::vector<EventId>& {
    if (known.empty()) known = all_events(events_dir);
    return known;
  };
  std::vector<EventId> out;
  for (const std::string& name : names) {
    if (name.empty()) throw InputError("--events: empty event name");
    const std::size_t sep = name.find_first_of("/:");
    std::vector<EventId> found;
    if (sep != std::string::npos) {
      EventId e{name.substr(0, sep), name.substr(sep + 1)};
      if (!e.system.empty() && !e.name.empty() && e.name.find_first_of("/:") == std::string::npos &&
          has_event(events_dir, e))
        found.push_back(std::move(e));
    } else {
      for (const EventId& e : everything())
        if (e.name == name) found.push_back(e);
    }
    if (found.size() > 1) {
      std::vector<std::string> where;
      for (const EventId& e : found) where.push_back(e.full());
      throw InputError("--events: '" + name + "' is an event of several systems (" +
                       join_alternatives(where) + "); name one as SYSTEM/EVENT");
    }
    if (found.empty()) {
      std::vector<std::string> candidates;
      for (const EventId& e : everything())
        candidates.push_back(sep != std::string::npos ? e.full() : e.name);
      std::string wanted = name;
      if (sep != std::string::npos) wanted[sep] = '/';
      const std::string hint = closest_match(wanted, candidates);
      throw InputError("--events: unknown event '" + name + "'" +
                       (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; see " +
                       fs::path(events_dir).parent_path().string() + "/available_events");
    }
    if (std::find(out.begin(), out.end(), found.front()) == out.end()) out.push_back(found.front());
  }
  return out;
}

TraceInstance::TraceInstance(const std::string& tracefs_root, const std::string& name)
    : dir_((fs::path(tracefs_root) / "instances" / name).string()) {
  if (::mkdir(dir_.c_str(), 0750) != 0)
    throw std::runtime_error("cannot create the tracefs instance " + dir_ + ": " +
                             std::strerror(errno));
  exists_ = true;
}

TraceInstance::~TraceInstance() {
  try {
    remove();
  } catch (const std::exception&) {
    // Reported by an explicit remove(); a destructor cannot do better.
  }
}

std::string TraceInstance::path(std::string_view file) const {
  return dir_ + "/" + std::string(file);
}

void TraceInstance::write(std::string_view file, std::string_view value) const {
  write_control(path(file), value);
}

std::string TraceInstance::read(std::string_view file) const {
  return read_required(path(file));
}

void TraceInstance::remove() {
  if (!exists_) return;
  // The kernel may still hold a reader's reference for a moment after close().
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (::rmdir(dir_.c_str()) == 0 || errno == ENOENT) {
      exists_ = false;
      return;
    }
    if (errno != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("cannot remove the tracefs instance " + dir_ + ": " +
                           std::strerror(errno));
}

std::string instance_name(long pid) {
  return "allocsim-" + std::to_string(pid);
}

std::vector<std::string> remove_stale_instances(const std::string& tracefs_root) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(tracefs_root) / "instances", ec)) {
    const std::string name = entry.path().filename().string();
    constexpr std::string_view prefix = "allocsim-";
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    const long pid = std::stol(digits);
    // Gone, or this process's own pid (then left by an earlier holder of the pid).
    const bool gone =
        pid == ::getpid() || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
    if (pid <= 0 || !gone) continue;
    if (::rmdir(entry.path().c_str()) == 0) removed.push_back(name);
  }
  return removed;
}

}  // namespace allocsim::io::recording
