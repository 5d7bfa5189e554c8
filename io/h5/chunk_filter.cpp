#include "io/h5/chunk_filter.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "io/h5/file.hpp"

namespace allocsim::h5 {

namespace {

// The 8x8 byte matrix in `m` (row r = m[r]) transposed in place.
void transpose8(std::uint64_t m[8]) {
  // Little-endian: byte c of row r is bits 8c .. 8c+7 of m[r]. Swap the
  // off-diagonal 4x4, 2x2 and 1x1 blocks.
  for (unsigned r = 0; r < 4; ++r) {
    const std::uint64_t t = ((m[r] >> 32) ^ m[r + 4]) & 0x00000000ffffffffull;
    m[r] ^= t << 32;
    m[r + 4] ^= t;
  }
  for (unsigned r : {0u, 1u, 4u, 5u}) {
    const std::uint64_t t = ((m[r] >> 16) ^ m[r + 2]) & 0x0000ffff0000ffffull;
    m[r] ^= t << 16;
    m[r + 2] ^= t;
  }
  for (unsigned r : {0u, 2u, 4u, 6u}) {
    const std::uint64_t t = ((m[r] >> 8) ^ m[r + 1]) & 0x00ff00ff00ff00ffull;
    m[r] ^= t << 8;
    m[r + 1] ^= t;
  }
}

}  // namespace

void shuffle_bytes(const unsigned char* in, std::size_t n, std::size_t element_size,
                   unsigned char* out) {
  if (element_size <= 1) {  // H5Z_filter_shuffle leaves one-byte elements alone
    std::memcpy(out, in, n);
    return;
  }
  const std::size_t elements = n / element_size;
  // Eight elements by eight of their bytes at a time, transposed as an 8x8
  // byte matrix; the bytes and elements left over one by one.
  const std::size_t elements8 = elements & ~std::size_t{7}, bytes8 = element_size & ~std::size_t{7};
  for (std::size_t i = 0; i < elements8; i += 8)
    for (std::size_t k = 0; k < bytes8; k += 8) {
      std::uint64_t m[8];
      for (unsigned r = 0; r < 8; ++r) std::memcpy(&m[r], in + (i + r) * element_size + k, 8);
      transpose8(m);
      for (unsigned r = 0; r < 8; ++r) std::memcpy(out + (k + r) * elements + i, &m[r], 8);
    }
  for (std::size_t k = 0; k < element_size; ++k) {
    unsigned char* dst = out + k * elements;
    const std::size_t from = k < bytes8 ? elements8 : 0;
    for (std::size_t i = from; i < elements; ++i) dst[i] = in[i * element_size + k];
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
