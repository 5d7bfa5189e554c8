#pragma once
// The kernel's tracefs (Documentation/trace/ftrace.rst): finding or mounting
// it, naming events, and a private instance (instances/<name>/, "Instances"
// in ftrace.rst) with its own ring buffer, event enables, options and
// trace_clock, so that the global tracing state is never touched.
#include <string>
#include <string_view>
#include <vector>

namespace allocsim::io::recording {

inline constexpr const char* kTracefsPath = "/sys/kernel/tracing";

// Whether /proc/self/mounts (its text) lists a tracefs mounted at `path`.
bool tracefs_mounted_at(std::string_view mounts, std::string_view path);

// tracefs at `path`: used where it is mounted, or mounted there by this
// object and unmounted again by its destructor. Throws InputError when the
// kernel has no tracefs.
class Tracefs {
 public:
  explicit Tracefs(std::string path = kTracefsPath);
  ~Tracefs();
  Tracefs(const Tracefs&) = delete;
  Tracefs& operator=(const Tracefs&) = delete;

  const std::string& root() const { return root_; }
  bool mounted_by_us() const { return mounted_; }

 private:
  std::string root_;
  bool mounted_ = false;
};

// Writes a control file as `echo VALUE > FILE` would, but without O_TRUNC
// (which some tracefs files take as "clear"); throws std::runtime_error
// naming the file and the kernel's reason.
void write_control(const std::string& path, std::string_view value);

struct EventId {
  std::string system, name;
  std::string full() const { return system + "/" + name; }
  bool operator==(const EventId&) const = default;
};

// The events recorded by default, in this order: the kmem page and object
// allocator events and the vmalloc events, those of them this kernel has.
std::vector<EventId> default_events(const std::string& events_dir);

// Names as given to --events ("kmem/kmalloc", "kmem:kmalloc" or "kmalloc"),
// checked against `events_dir` (tracefs's events/). Throws InputError for an
// unknown name (with a "did you mean") or one found in several systems.
std::vector<EventId> resolve_events(const std::string& events_dir,
                                    const std::vector<std::string>& names);

// instances/<name>: created by the constructor, removed by remove() or the
// destructor. Every file written through it is the instance's own.
class TraceInstance {
 public:
  TraceInstance(const std::string& tracefs_root, const std::string& name);
  ~TraceInstance();
  TraceInstance(const TraceInstance&) = delete;
  TraceInstance& operator=(const TraceInstance&) = delete;

  const std::string& dir() const { return dir_; }
  std::string path(std::string_view file) const;
  void write(std::string_view file, std::string_view value) const;
  std::string read(std::string_view file) const;
  // rmdir; the kernel refuses (EBUSY) while a file of the instance is open,
  // so close them first. Throws std::runtime_error when it cannot.
  void remove();

 private:
  std::string dir_;
  bool exists_ = false;
};

// The instance name of the recorder with this pid: "allocsim-<pid>".
std::string instance_name(long pid);
// Removes instances/allocsim-<pid> whose process no longer exists, or whose
// pid is this process's (left by a killed `allocsim record`); returns their names.
std::vector<std::string> remove_stale_instances(const std::string& tracefs_root);

}  // namespace allocsim::io::recording
