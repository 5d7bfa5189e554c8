#pragma once
// A map from the trace's keys (a pointer, a pfn) to 32-bit slot numbers:
// open addressing with linear probing and Fibonacci hashing, erasing by
// backward shift. It doubles when half full, so in a replay whose live
// objects stop growing it stops allocating; its size is the keys live in the
// trace, never the trace's length.
#include <cstdint>
#include <vector>

namespace allocsim::workloads::replaying {

class KeyTable {
 public:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  explicit KeyTable(std::size_t initial = 1024) { rehash(initial < 16 ? 16 : initial); }

  // The value of `key`, or kNone.
  std::uint32_t find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (entries_[i].value == kNone) return kNone;
      if (entries_[i].key == key) return entries_[i].value;
    }
  }
  // Sets `key` to `value`; returns the value it replaced, or kNone.
  std::uint32_t put(std::uint64_t key, std::uint32_t value) {
    if (2 * (size_ + 1) > entries_.size()) rehash(entries_.size() * 2);
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      Entry& e = entries_[i];
      if (e.value == kNone) {
        e = {key, value};
        ++size_;
        return kNone;
      }
      if (e.key == key) {
        const std::uint32_t old = e.value;
        e.value = value;
        return old;
      }
    }
  }
  // Removes `key`; returns its value, or kNone when it was absent.
  std::uint32_t take(std::uint64_t key) {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (entries_[i].value == kNone) return kNone;
      if (entries_[i].key == key) break;
    }
    const std::uint32_t old = entries_[i].value;
    // Backward shift: move later entries of the probe run into the hole.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (entries_[j].value == kNone) break;
      const std::size_t h = home(entries_[j].key);
      // Entry j may fill hole i unless its home lies cyclically in (i, j].
      if (((j - h) & mask_) >= ((j - i) & mask_)) {
        entries_[i] = entries_[j];
        i = j;
      }
    }
    entries_[i].value = kNone;
    --size_;
    return old;
  }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return entries_.size(); }
  // Calls f(key, value) for every entry, in table order.
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : entries_)
      if (e.value != kNone) f(e.key, e.value);
  }

 private:
  struct Entry {
    std::uint64_t key = 0;
    std::uint32_t value = kNone;
  };
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void rehash(std::size_t n) {
    std::vector<Entry> old;
    old.swap(entries_);
    entries_.assign(n, Entry{});
    mask_ = n - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(n));
    size_ = 0;
    for (const Entry& e : old)
      if (e.value != kNone) put(e.key, e.value);
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0, size_ = 0;
  unsigned shift_ = 0;
};

}  // namespace allocsim::workloads::replaying
