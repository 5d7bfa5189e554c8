#include "io/h5/chunk_filter.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "io/h5/file.hpp"

namespace allocsim::h5 {

void shuffle_bytes(const unsigned char* in, std::size_t n, std::size_t element_size,
                   unsigned char* out) {
  if (element_size <= 1) {  // H5Z_filter_shuffle leaves one-byte elements alone
    std::memcpy(out, in, n);
    return;
  }
  const std::size_t elements = n / element_size;
  // A block of elements at a time, so that its bytes stay in the L1 cache
  // while each of its element_size runs is written (a cache-blocked transpose).
  const std::size_t block = std::max<std::size_t>(1, (std::size_t{16} << 10) / element_size);
  for (std::size_t first = 0; first < elements; first += block) {
    const std::size_t count = std::min(block, elements - first);
    const unsigned char* src = in + first * element_size;
    for (std::size_t k = 0; k < element_size; ++k) {
      unsigned char* dst = out + k * elements + first;
      for (std::size_t i = 0; i < count; ++i) dst[i] = src[i * element_size + k];
    }
  }
  const std::size_t whole = elements * element_size;
  if (whole < n) std::memcpy(out + whole, in + whole, n - whole);
}

void filter_chunk(const std::vector<unsigned char>& raw, std::size_t element_size,
                  std::vector<unsigned char>& scratch, std::vector<unsigned char>& out) {
  scratch.resize(raw.size());
  shuffle_bytes(raw.data(), raw.size(), element_size, scratch.data());
  uLongf size = compressBound(static_cast<uLong>(scratch.size()));
  out.resize(size);
  const int rc = compress2(out.data(), &size, scratch.data(), static_cast<uLong>(scratch.size()),
                           static_cast<int>(kDeflateLevel));
  if (rc != Z_OK)
    throw H5Error("deflate failed on a table chunk (zlib error " + std::to_string(rc) + ")");
  out.resize(size);
}

ChunkFilterThread::ChunkFilterThread(std::size_t element_size)
    : element_size_(element_size), thread_([this] { loop(); }) {}

ChunkFilterThread::~ChunkFilterThread() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ChunkFilterThread::submit(std::vector<unsigned char>& raw) {
  const std::size_t n = raw.size();
  {
    const std::lock_guard<std::mutex> lock(mu_);
    in_.swap(raw);
    job_ = true;
    done_ = false;
    error_ = nullptr;
  }
  pending_ = true;
  cv_.notify_all();
  raw.assign(n, 0);  // the worker's previous buffer, zeroed (no allocation after the first)
}

const std::vector<unsigned char>& ChunkFilterThread::wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return done_; });
  pending_ = false;
  if (error_) std::rethrow_exception(error_);
  return out_;
}

void ChunkFilterThread::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return job_ || stop_; });
    if (stop_) return;
    job_ = false;
    lock.unlock();
    std::exception_ptr error;
    try {
      filter_chunk(in_, element_size_, scratch_, out_);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error;
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace allocsim::h5
