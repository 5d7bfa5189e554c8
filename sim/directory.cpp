#include "sim/directory.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace allocsim::sim {

std::uint64_t Directory::capacity_for(std::uint64_t max_lines) {
  // A miss enters its line before the L2 victim leaves: one entry beyond max_lines.
  const std::uint64_t entries = max_lines + 1;
  return std::max<std::uint64_t>(16, entries + (entries + 2) / 3);
}

Directory::Directory(std::uint64_t max_lines, std::uint32_t cpus)
    : nwords_((cpus + 63) / 64), wide_(cpus > 64) {
  const std::uint64_t capacity = capacity_for(max_lines);
  limit_ = capacity * 3 / 4;
  entries_.resize(capacity);
}

std::int64_t Directory::find_or_insert(std::uint64_t line) {
  std::size_t i = home(line);
  for (;;) {
    if (entries_[i].line == line) return static_cast<std::int64_t>(i);
    if (entries_[i].line == kEmpty) break;
    i = next(i);
  }
  if (size_ + 1 > limit_)  // more lines than the private caches can hold
    throw std::logic_error("coherence directory overflow");
  entries_[i] = Entry{line, kNoCpu, 0, 0, 0};
  ++size_;
  return static_cast<std::int64_t>(i);
}

bool Directory::has(std::int64_t slot, CpuId cpu) const {
  const Entry& e = entries_[slot];
  if (!wide_) return (e.set >> cpu) & 1;
  if (e.sharers <= 1) return e.sharers == 1 && e.set == cpu;
  return (bitmap(e)[cpu / 64] >> (cpu % 64)) & 1;
}

std::uint64_t Directory::take_bitmap() {
  if (!free_bitmaps_.empty()) {
    const std::uint64_t b = free_bitmaps_.back();
    free_bitmaps_.pop_back();
    return b;
  }
  // Grows only to the most lines shared at once; a freed bitmap is reused.
  const std::uint64_t b = pool_.size() / nwords_;
  pool_.resize(pool_.size() + nwords_, 0);
  return b;
}

void Directory::add(std::int64_t slot, CpuId cpu) {
  Entry& e = entries_[slot];
  if (!wide_) {
    const std::uint64_t bit = std::uint64_t{1} << cpu;
    if (!(e.set & bit)) {
      e.set |= bit;
      ++e.sharers;
    }
    return;
  }
  if (e.sharers == 0) {
    e.set = cpu;
  } else if (e.sharers == 1) {
    if (e.set == cpu) return;
    const std::uint64_t only = e.set;
    e.set = take_bitmap();
    std::uint64_t* w = bitmap(e);
    w[only / 64] |= std::uint64_t{1} << (only % 64);
    w[cpu / 64] |= std::uint64_t{1} << (cpu % 64);
  } else {
    std::uint64_t& w = bitmap(e)[cpu / 64];
    const std::uint64_t bit = std::uint64_t{1} << (cpu % 64);
    if (w & bit) return;
    w |= bit;
  }
  ++e.sharers;
}

void Directory::remove(std::int64_t slot, CpuId cpu) {
  Entry& e = entries_[slot];
  if (!has(slot, cpu)) return;
  if (!wide_) {
    e.set &= ~(std::uint64_t{1} << cpu);
  } else if (e.sharers >= 2) {
    std::uint64_t* w = bitmap(e);
    w[cpu / 64] &= ~(std::uint64_t{1} << (cpu % 64));
    if (e.sharers == 2) {  // back to one sharer, held in the entry
      const CpuId only = next_sharer(e, 0);
      w[only / 64] = 0;
      free_bitmaps_.push_back(e.set);
      e.set = only;
    }
  }
  if (e.owner == cpu) e.owner = kNoCpu;
  if (--e.sharers == 0) erase(slot);
}

CpuId Directory::next_sharer(const Entry& e, CpuId from) const {
  if (e.sharers <= 1) return e.sharers == 1 && e.set >= from ? static_cast<CpuId>(e.set) : kNoCpu;
  const std::uint64_t* w = bitmap(e);
  for (std::uint32_t i = from / 64; i < nwords_; ++i) {
    std::uint64_t bits = w[i];
    if (i == from / 64) bits &= ~std::uint64_t{0} << (from % 64);
    if (bits) return static_cast<CpuId>(i * 64 + static_cast<unsigned>(std::countr_zero(bits)));
  }
  return kNoCpu;
}

// Backward-shift deletion keeps probe chains intact without tombstones. An
// entry's sharer set moves with it (a pool bitmap is referred to by index).
void Directory::erase(std::int64_t slot) {
  std::size_t hole = static_cast<std::size_t>(slot);
  std::size_t i = next(hole);
  while (entries_[i].line != kEmpty) {
    const std::size_t want = home(entries_[i].line);
    // Move entry i into the hole if its home is not in (hole, i] cyclically.
    const bool stays = hole <= i ? (want > hole && want <= i) : (want > hole || want <= i);
    if (!stays) {
      entries_[hole] = entries_[i];
      hole = i;
    }
    i = next(i);
  }
  entries_[hole] = Entry{};
  --size_;
}

}  // namespace allocsim::sim
