#pragma once
// A simulated CPU's queue of events read but not yet run: a FIFO that keeps
// at most `limit` items in memory and spills the rest, in order, to an
// unlinked temporary file. A CPU lags behind the others in the trace (its
// events cost the model more than the traced gaps allowed, or back-to-back
// timing lets the others run ahead), and the events read for them meanwhile
// wait here; spilling keeps that wait from growing memory.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace allocsim::workloads::replaying {

template <class T>
class Backlog {
  static_assert(std::is_trivially_copyable_v<T>, "items are written to a file as bytes");

 public:
  explicit Backlog(std::size_t limit) : limit_(limit < 64 ? 64 : limit) {}
  ~Backlog() {
    if (file_) std::fclose(file_);
  }
  Backlog(const Backlog&) = delete;
  Backlog& operator=(const Backlog&) = delete;
  Backlog(Backlog&& o) noexcept { *this = std::move(o); }
  Backlog& operator=(Backlog&& o) noexcept {
    std::swap(ring_, o.ring_);
    std::swap(head_, o.head_);
    std::swap(count_, o.count_);
    std::swap(limit_, o.limit_);
    std::swap(tail_, o.tail_);
    std::swap(file_, o.file_);
    std::swap(in_file_, o.in_file_);
    std::swap(file_read_, o.file_read_);
    std::swap(spilled_, o.spilled_);
    return *this;
  }

  bool empty() const { return count_ == 0 && in_file_ == file_read_ && tail_.empty(); }
  // Items held in memory now.
  std::size_t in_memory() const { return count_ + tail_.size(); }
  // Items ever written to the file.
  std::uint64_t spilled() const { return spilled_; }

  void push(const T& v) {
    // Once anything waits outside the ring, newer items queue behind it.
    if (in_file_ == file_read_ && tail_.empty() && count_ < limit_) return ring_push(v);
    tail_.push_back(v);
    if (tail_.size() >= chunk()) spill();
  }

  bool pop(T& v) {
    if (count_ == 0) refill();
    if (count_ == 0) return false;
    v = ring_[head_];
    head_ = (head_ + 1) & (ring_.size() - 1);
    --count_;
    return true;
  }

 private:
  std::size_t chunk() const { return limit_ / 2; }

  void ring_push(const T& v) {
    if (count_ == ring_.size()) grow();
    ring_[(head_ + count_) & (ring_.size() - 1)] = v;
    ++count_;
  }
  void grow() {
    std::vector<T> bigger(ring_.empty() ? 64 : ring_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    head_ = 0;
  }
  void spill();
  void refill();

  std::vector<T> ring_;  // a power of two long; the oldest items
  std::size_t head_ = 0, count_ = 0, limit_ = 64;
  std::vector<T> tail_;  // the newest, while older ones are in the file
  std::FILE* file_ = nullptr;
  std::uint64_t in_file_ = 0, file_read_ = 0, spilled_ = 0;
};

// --- the file side: writing the newest items out, reading them back ---

template <class T>
void Backlog<T>::spill() {
  if (!file_) {
    file_ = std::tmpfile();
    if (!file_) throw std::runtime_error("replay: cannot create a temporary file for its backlog");
  }
  if (std::fseek(file_, static_cast<long>(in_file_ * sizeof(T)), SEEK_SET) != 0 ||
      std::fwrite(tail_.data(), sizeof(T), tail_.size(), file_) != tail_.size())
    throw std::runtime_error("replay: cannot write its backlog to a temporary file (disk full?)");
  in_file_ += tail_.size();
  spilled_ += tail_.size();
  tail_.clear();
}

template <class T>
void Backlog<T>::refill() {
  if (file_read_ < in_file_) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk(), in_file_ - file_read_));
    if (ring_.size() < n) {
      std::size_t size = ring_.empty() ? 64 : ring_.size();
      while (size < n) size *= 2;
      ring_.resize(size);
    }
    head_ = 0;
    if (std::fseek(file_, static_cast<long>(file_read_ * sizeof(T)), SEEK_SET) != 0 ||
        std::fread(ring_.data(), sizeof(T), n, file_) != n)
      throw std::runtime_error("replay: cannot read its backlog back from a temporary file");
    count_ = n;
    file_read_ += n;
    if (file_read_ == in_file_) in_file_ = file_read_ = 0;  // the file is reused from its start
    return;
  }
  // Nothing in the file: the newest items move into the ring.
  for (const T& v : tail_) ring_push(v);
  tail_.clear();
}

}  // namespace allocsim::workloads::replaying
