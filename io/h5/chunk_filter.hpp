#pragma once
// The filter pipeline every allocsim table is written with (shuffle, then
// deflate at kDeflateLevel), applied to one chunk outside HDF5, so a chunk can
// be compressed on another thread and stored with H5Dwrite_chunk. The bytes
// are those HDF5's own pipeline stores (H5Z_filter_shuffle, then
// H5Z_filter_deflate's compress2), so readers cannot tell the two apart.
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace allocsim::h5 {

// H5Z_filter_shuffle: byte k of every element together, k = 0 .. size-1; the
// bytes after the last whole element stay as they are.
void shuffle_bytes(const unsigned char* in, std::size_t n, std::size_t element_size,
                   unsigned char* out);
// shuffle_bytes, then compress2 at kDeflateLevel into `out` (resized to fit).
// `scratch` holds the shuffled bytes. Throws H5Error if zlib fails.
void filter_chunk(const std::vector<unsigned char>& raw, std::size_t element_size,
                  std::vector<unsigned char>& scratch, std::vector<unsigned char>& out);

// One chunk at a time filtered on a worker thread while the caller fills the
// next. The caller's thread alone calls HDF5 (the serial library is not
// thread-safe); the worker only shuffles and deflates.
class ChunkFilterThread {
 public:
  explicit ChunkFilterThread(std::size_t element_size);
  ~ChunkFilterThread();
  ChunkFilterThread(const ChunkFilterThread&) = delete;
  ChunkFilterThread& operator=(const ChunkFilterThread&) = delete;

  // Starts filtering `raw`, which on return is a zeroed buffer of the same
  // size. Only when idle().
  void submit(std::vector<unsigned char>& raw);
  bool idle() const { return !pending_; }
  // Waits for the submitted chunk and returns its filtered bytes (valid until
  // the next submit); rethrows the worker's error.
  const std::vector<unsigned char>& wait();

 private:
  void loop();

  const std::size_t element_size_;
  std::vector<unsigned char> in_, scratch_, out_;  // the worker's while a job runs
  bool pending_ = false;  // submitted and not yet waited for (caller's side)
  std::mutex mu_;
  std::condition_variable cv_;
  bool job_ = false, done_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace allocsim::h5
