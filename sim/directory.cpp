#include "sim/directory.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace allocsim::sim {

Directory::Directory(std::uint64_t max_lines, std::uint32_t cpus) : nwords_((cpus + 63) / 64) {
  // At most about half full, so linear probing stays short. A miss enters its
  // line before the L2 victim leaves: one entry beyond max_lines.
  const std::uint64_t capacity = std::bit_ceil(std::max<std::uint64_t>(16, 2 * (max_lines + 1)));
  mask_ = capacity - 1;
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
  entries_.resize(capacity);
  words_.assign(capacity * nwords_, 0);
}

std::int64_t Directory::find_or_insert(std::uint64_t line) {
  std::size_t i = home(line);
  for (;;) {
    if (entries_[i].line == line) return static_cast<std::int64_t>(i);
    if (entries_[i].line == kEmpty) break;
    i = (i + 1) & mask_;
  }
  if (2 * (size_ + 1) > entries_.size())  // more lines than the private caches can hold
    throw std::logic_error("coherence directory overflow");
  entries_[i] = Entry{line, kNoCpu, 0, 0};
  ++size_;
  return static_cast<std::int64_t>(i);
}

void Directory::add(std::int64_t slot, CpuId cpu) {
  std::uint64_t& w = words_[slot * nwords_ + cpu / 64];
  const std::uint64_t bit = std::uint64_t{1} << (cpu % 64);
  if (!(w & bit)) {
    w |= bit;
    ++entries_[slot].sharers;
  }
}

void Directory::remove(std::int64_t slot, CpuId cpu) {
  std::uint64_t& w = words_[slot * nwords_ + cpu / 64];
  const std::uint64_t bit = std::uint64_t{1} << (cpu % 64);
  if (!(w & bit)) return;
  w &= ~bit;
  Entry& e = entries_[slot];
  if (e.owner == cpu) e.owner = kNoCpu;
  if (--e.sharers == 0) erase(slot);
}

// Backward-shift deletion keeps probe chains intact without tombstones.
void Directory::erase(std::int64_t slot) {
  std::size_t hole = static_cast<std::size_t>(slot);
  std::size_t i = (hole + 1) & mask_;
  while (entries_[i].line != kEmpty) {
    const std::size_t want = home(entries_[i].line);
    // Move entry i into the hole if its home is not in (hole, i] cyclically.
    const bool stays = hole <= i ? (want > hole && want <= i) : (want > hole || want <= i);
    if (!stays) {
      entries_[hole] = entries_[i];
      std::copy_n(&words_[i * nwords_], nwords_, &words_[hole * nwords_]);
      hole = i;
    }
    i = (i + 1) & mask_;
  }
  entries_[hole] = Entry{};
  std::fill_n(&words_[hole * nwords_], nwords_, 0);
  --size_;
}

}  // namespace allocsim::sim
