#pragma once
// The coherence directory: for every line held in some CPU's private caches,
// which CPUs hold it, which one (if any) owns it exclusively (MESI E or M), and
// which bytes the owner has written since it took ownership (to tell false
// sharing from true sharing). An open-addressing table sized at construction for
// the most lines the private caches can hold, so it never allocates afterwards.
#include <cstdint>
#include <vector>

#include "sim/types.hpp"

namespace allocsim::sim {

class Directory {
 public:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

  struct Entry {
    std::uint64_t line = kEmpty;
    CpuId owner = kNoCpu;       // CPU holding the line E or M, if any
    std::uint32_t sharers = 0;  // number of CPUs holding it
    std::uint64_t written = 0;  // byte-granule mask written by the current owner
  };

  Directory(std::uint64_t max_lines, std::uint32_t cpus);

  // Slot of the line, or -1 when no private cache holds it.
  std::int64_t find(std::uint64_t line) const {
    std::size_t i = home(line);
    for (;;) {
      if (entries_[i].line == line) return static_cast<std::int64_t>(i);
      if (entries_[i].line == kEmpty) return -1;
      i = (i + 1) & mask_;
    }
  }
  std::int64_t find_or_insert(std::uint64_t line);
  Entry& entry(std::int64_t slot) { return entries_[slot]; }
  const Entry& entry(std::int64_t slot) const { return entries_[slot]; }

  bool has(std::int64_t slot, CpuId cpu) const {
    return (words_[slot * nwords_ + cpu / 64] >> (cpu % 64)) & 1;
  }
  void add(std::int64_t slot, CpuId cpu);
  // Removes a sharer; erases the entry when none is left (the slot is then stale).
  void remove(std::int64_t slot, CpuId cpu);
  // Calls f(cpu) for every sharer in ascending CPU order.
  template <class F>
  void for_each_sharer(std::int64_t slot, F&& f) const {
    const std::uint64_t* w = &words_[slot * nwords_];
    for (std::uint32_t i = 0; i < nwords_; ++i)
      for (std::uint64_t bits = w[i]; bits; bits &= bits - 1)
        f(static_cast<CpuId>(i * 64 + static_cast<unsigned>(__builtin_ctzll(bits))));
  }
  std::uint64_t size() const { return size_; }
  std::uint64_t total_sharers() const {
    std::uint64_t n = 0;
    for (const Entry& e : entries_) n += e.line == kEmpty ? 0 : e.sharers;
    return n;
  }

 private:
  std::size_t home(std::uint64_t line) const {
    return static_cast<std::size_t>((line * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void erase(std::int64_t slot);

  std::uint32_t nwords_;
  std::size_t mask_;
  unsigned shift_;
  std::uint64_t size_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::uint64_t> words_;  // sharer bitmaps, nwords_ per slot
};

}  // namespace allocsim::sim
