#pragma once
// The coherence directory: for every line held in some CPU's private caches,
// which CPUs hold it, which one (if any) owns it exclusively (MESI E or M), and
// which bytes the owner has written since it took ownership (to tell false
// sharing from true sharing). An open-addressing table sized at construction for
// the most lines the private caches can hold, so it never grows.
//
// Sharer sets cost host memory independent of the CPU count: up to 64 CPUs an
// entry holds its sharer bitmap itself; beyond, it holds the one sharer's id,
// or (two or more sharers) the index of a bitmap in a pool that holds only the
// lines shared right now. A bitmap per entry would be O(CPUs^2) bytes (the
// table grows with the CPUs too): 8.6 GB at 1024 CPUs.
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
    // The sharers, kept by the directory alone: the bitmap (<= 64 CPUs), else
    // the CPU (one sharer) or a pool bitmap's index (more).
    std::uint64_t set = 0;
  };

  Directory(std::uint64_t max_lines, std::uint32_t cpus);

  // Slots of a table for max_lines lines: load at most 3/4 for short probes.
  // Not a power of two: rounding up would double the largest part of a big
  // machine's host memory.
  static std::uint64_t capacity_for(std::uint64_t max_lines);
  // Host bytes of the table (the pool of shared lines' bitmaps comes on top).
  static std::uint64_t table_bytes(std::uint64_t max_lines) {
    return capacity_for(max_lines) * sizeof(Entry);
  }

  // Slot of the line, or -1 when no private cache holds it.
  std::int64_t find(std::uint64_t line) const {
    std::size_t i = home(line);
    for (;;) {
      if (entries_[i].line == line) return static_cast<std::int64_t>(i);
      if (entries_[i].line == kEmpty) return -1;
      i = next(i);
    }
  }
  std::int64_t find_or_insert(std::uint64_t line);
  Entry& entry(std::int64_t slot) { return entries_[slot]; }
  const Entry& entry(std::int64_t slot) const { return entries_[slot]; }

  bool has(std::int64_t slot, CpuId cpu) const;
  void add(std::int64_t slot, CpuId cpu);
  // Removes a sharer; erases the entry when none is left (the slot is then stale).
  void remove(std::int64_t slot, CpuId cpu);
  // Calls f(cpu) for every sharer in ascending CPU order. f may remove the
  // sharer it is given, but not the entry's last one.
  template <class F>
  void for_each_sharer(std::int64_t slot, F&& f) const {
    const Entry& e = entries_[slot];
    if (!wide_) {
      for (std::uint64_t bits = e.set; bits; bits &= bits - 1)
        f(static_cast<CpuId>(__builtin_ctzll(bits)));
      return;
    }
    const std::uint64_t line = e.line;
    for (CpuId c = next_sharer(e, 0); c != kNoCpu; c = next_sharer(e, c + 1)) {
      f(c);
      if (e.line != line) return;  // f erased the entry: nothing of it is left
    }
  }
  std::uint64_t size() const { return size_; }
  std::uint64_t capacity() const { return entries_.size(); }
  // Pool bitmaps in use (lines with two or more sharers, above 64 CPUs).
  std::uint64_t shared_bitmaps() const { return pool_.size() / nwords_ - free_bitmaps_.size(); }
  std::uint64_t total_sharers() const {
    std::uint64_t n = 0;
    for (const Entry& e : entries_) n += e.line == kEmpty ? 0 : e.sharers;
    return n;
  }

 private:
  // Fibonacci hashing mapped onto the slots by multiply-high (no power of two needed).
  std::size_t home(std::uint64_t line) const {
    const unsigned __int128 h = line * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>((h * entries_.size()) >> 64);
  }
  std::size_t next(std::size_t i) const { return i + 1 == entries_.size() ? 0 : i + 1; }
  void erase(std::int64_t slot);
  std::uint64_t* bitmap(const Entry& e) { return &pool_[e.set * nwords_]; }
  const std::uint64_t* bitmap(const Entry& e) const { return &pool_[e.set * nwords_]; }
  std::uint64_t take_bitmap();
  // The lowest sharer >= from, or kNoCpu (wide entries).
  CpuId next_sharer(const Entry& e, CpuId from) const;

  std::uint32_t nwords_;  // 64-bit words of one CPU bitmap
  bool wide_;             // more than 64 CPUs: sharer sets live in the pool
  std::uint64_t size_ = 0;
  std::uint64_t limit_ = 0;  // most entries the table may hold
  std::vector<Entry> entries_;
  std::vector<std::uint64_t> pool_;  // bitmaps of lines with two or more sharers
  std::vector<std::uint64_t> free_bitmaps_;
};

}  // namespace allocsim::sim
