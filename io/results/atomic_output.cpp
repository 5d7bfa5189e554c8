#include "io/results/atomic_output.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>

namespace allocsim::io {

namespace {

// Temporary paths the signal handler removes (fixed storage: the handler
// may only call async-signal-safe functions).
constexpr int kSlots = 64;
std::array<std::array<char, 4096>, kSlots> g_paths{};
std::array<std::atomic<bool>, kSlots> g_used{};
std::mutex g_mutex;
struct sigaction g_old_int {
}, g_old_term{};
std::array<char, 4096> g_note{};
std::atomic<std::size_t> g_note_size{0};

void on_signal(int sig) {
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i].load()) unlink(g_paths[i].data());
  if (const std::size_t n = g_note_size.load(); n > 0) {
    [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, g_note.data(), n);
  }
  sigaction(sig, sig == SIGINT ? &g_old_int : &g_old_term, nullptr);
  raise(sig);
}

int register_temp(const std::string& path) {
  std::lock_guard lock(g_mutex);
  static bool installed = false;
  if (!installed) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    // A signal the process ignores (SIGINT of `cmd &`) stays ignored: the
    // run goes on and must keep its temporary file.
    sigaction(SIGINT, nullptr, &g_old_int);
    sigaction(SIGTERM, nullptr, &g_old_term);
    if (g_old_int.sa_handler != SIG_IGN) sigaction(SIGINT, &sa, nullptr);
    if (g_old_term.sa_handler != SIG_IGN) sigaction(SIGTERM, &sa, nullptr);
    installed = true;
  }
  if (path.size() >= g_paths[0].size()) return -1;
  for (int i = 0; i < kSlots; ++i)
    if (!g_used[i].load()) {
      std::memcpy(g_paths[i].data(), path.c_str(), path.size() + 1);
      g_used[i].store(true);
      return i;
    }
  return -1;
}

void unregister_temp(int slot) {
  if (slot < 0) return;
  std::lock_guard lock(g_mutex);
  g_used[slot].store(false);
}

// The PID in ".NAME.tmp-PID" or ".NAME.tmp-PID-N", or 0 if `file` is not
// such a name (for `name`, when given).
pid_t temporary_owner(const std::string& file, const std::string& name) {
  const std::size_t tag = file.rfind(".tmp-");
  if (file.size() < 2 || file[0] != '.' || tag == std::string::npos || tag < 2) return 0;
  if (!name.empty() && file.compare(1, tag - 1, name) != 0) return 0;
  std::size_t i = tag + 5;
  const std::size_t digits = i;
  long long pid = 0;
  for (; i < file.size() && file[i] >= '0' && file[i] <= '9' && pid < (1ll << 31); ++i)
    pid = pid * 10 + (file[i] - '0');
  if (i == digits || pid <= 0 || pid >= (1ll << 31)) return 0;
  if (i < file.size()) {  // "-N", from a name already taken
    if (file[i] != '-' || i + 1 == file.size()) return 0;
    for (++i; i < file.size(); ++i)
      if (file[i] < '0' || file[i] > '9') return 0;
  }
  return static_cast<pid_t>(pid);
}

bool alive(pid_t pid) {
  return kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

std::size_t remove_stale_temporaries(const std::filesystem::path& dir, const std::string& name) {
  namespace fs = std::filesystem;
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t owner = temporary_owner(it->path().filename().string(), name);
    if (owner == 0 || owner == getpid() || alive(owner)) continue;
    std::error_code gone;
    if (it->is_regular_file(gone) && fs::remove(it->path(), gone)) ++removed;
  }
  return removed;
}

void set_interrupt_note(const std::string& note) {
  g_note_size.store(0);
  const std::size_t n = std::min(note.size(), g_note.size());
  std::memcpy(g_note.data(), note.data(), n);
  g_note_size.store(n);
}

AtomicOutput::AtomicOutput(std::string final_path, bool force) : final_(std::move(final_path)) {
  namespace fs = std::filesystem;
  const fs::path target(final_);
  if (target.filename().empty()) throw OutputError(final_ + ": not a file name");
  std::error_code ec;
  if (fs::is_directory(target, ec)) throw OutputError(final_ + ": is a directory");
  if (fs::exists(target, ec) && !force)
    throw OutputError(final_ + ": exists (use --force to overwrite it)");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  remove_stale_temporaries(dir, target.filename().string());
  // Built by appending (GCC 12 warns, wrongly, about "." + string: -Wrestrict).
  std::string base(".");
  base += target.filename().string();
  base += ".tmp-";
  base += std::to_string(getpid());
  temp_ = (dir / base).string();
  for (int n = 1; fs::exists(temp_, ec); ++n)
    temp_ = (dir / (base + "-" + std::to_string(n))).string();
  const int fd = open(temp_.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) throw OutputError(final_ + ": cannot write: " + std::strerror(errno));
  close(fd);
  slot_ = register_temp(temp_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) unlink(temp_.c_str());
  unregister_temp(slot_);
}

void AtomicOutput::commit() {
  if (std::rename(temp_.c_str(), final_.c_str()) != 0)
    throw std::runtime_error(final_ + ": cannot rename " + temp_ +
                             " into place: " + std::strerror(errno));
  committed_ = true;
  unregister_temp(slot_);
  slot_ = -1;
}

}  // namespace allocsim::io
