#include "model/kmalloc_index.hpp"

#include <algorithm>
#include <string>

#include "model/kernel_math.hpp"

namespace allocsim::model {
namespace {

// KMALLOC_MAX_SIZE: 4 MiB in both flavours (2.6.32 1 << min(MAX_ORDER + PAGE_SHIFT - 1, 25);
// 6.x 1 << (MAX_PAGE_ORDER + PAGE_SHIFT)); larger orders do not exist in the buddy allocator.
constexpr std::uint64_t kKmallocMaxSize = kPageSize << kMaxOrder;

// 6.x kmalloc_info[] names: kmalloc-8 ... kmalloc-512, kmalloc-1k ... kmalloc-2M.
std::string name_6(std::uint32_t size) {
  if (size >= (1u << 20)) return "kmalloc-" + std::to_string(size >> 20) + "M";
  if (size >= (1u << 10)) return "kmalloc-" + std::to_string(size >> 10) + "k";
  return "kmalloc-" + std::to_string(size);
}

// 2.6.32 SLAB kmem_cache_create for a kmalloc cache: align ARCH_KMALLOC_MINALIGN (8) with
// ARCH_KMALLOC_FLAGS = SLAB_HWCACHE_ALIGN; 6.5 goes through calculate_alignment with
// max(ARCH_KMALLOC_MINALIGN, size) for powers of two (create_boot_cache). The stride is what
// the kmalloc tracepoint prints as bytes_alloc (buffer_size / cachep->size).
std::uint32_t slab_kmalloc_stride(std::uint32_t size, std::uint32_t cache_line) {
  std::uint32_t ralign = cache_line;
  while (size <= ralign / 2) ralign /= 2;
  const std::uint32_t align = std::max<std::uint32_t>(ralign, 8);
  return (size + align - 1) / align * align;
}

}  // namespace

KmallocSizes::KmallocSizes(Flavour f, KmallocScheme scheme, sim::Arch arch,
                           std::uint32_t cache_line)
    : flavour_(f), scheme_(scheme) {
  small_.fill(-1);
  max_size_ = kKmallocMaxSize;
  // ARCH_KMALLOC_MINALIGN: __alignof__(unsigned long long) = 8, except 2.6.32 mm/slob.c's
  // own default __alignof__(unsigned long) (4 on i386). SLOB's kmalloc header is
  // max(ARCH_KMALLOC_MINALIGN, ARCH_SLAB_MINALIGN), the same value on x86.
  minalign_ =
      (f == Flavour::linux_2_6 && scheme == KmallocScheme::slob && arch == sim::Arch::i386) ? 4 : 8;
  slob_align_ = minalign_;

  if (scheme == KmallocScheme::slob) {
    // mm/slob.c:__kmalloc_node: size < PAGE_SIZE - align uses the heap, the rest whole pages.
    max_cache_size_ = kPageSize - slob_align_ - 1;
    large_to_pages_ = true;
    return;
  }

  std::vector<std::uint32_t> sizes;
  if (f == Flavour::linux_2_6 && scheme == KmallocScheme::slab) {
    // include/linux/kmalloc_sizes.h (2.6.32): 32 (4K pages), 64, 96 if L1 < 64, 128,
    // 192 if L1 < 128, then powers of two up to KMALLOC_MAX_SIZE. No large path.
    sizes = {32, 64};
    if (cache_line < 64) sizes.push_back(96);
    sizes.push_back(128);
    if (cache_line < 128) sizes.push_back(192);
    for (std::uint64_t s = 256; s <= kKmallocMaxSize; s *= 2)
      sizes.push_back(static_cast<std::uint32_t>(s));
    max_cache_size_ = kKmallocMaxSize;
    large_to_pages_ = false;
  } else {
    // 2.6.32 SLUB: kmalloc-8 .. kmalloc-8192 (SLUB_MAX_SIZE = 2 * PAGE_SIZE) plus 96/192.
    // 6.x (include/linux/slab.h): KMALLOC_SHIFT_LOW 3 (SLUB) or 5 (SLAB) up to
    // KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1, plus 96 and 192 (KMALLOC_MIN_SIZE <= 32 / 64).
    const std::uint32_t min_size = scheme == KmallocScheme::slab ? 32 : 8;
    for (std::uint32_t s = min_size; s <= 2 * kPageSize; s *= 2) {
      if (s == 128) sizes.push_back(96);
      if (s == 256) sizes.push_back(192);
      sizes.push_back(s);
    }
    max_cache_size_ = 2 * kPageSize;
    large_to_pages_ = true;  // kmalloc_large: __get_free_pages(__GFP_COMP, get_order(size))
  }

  for (const std::uint32_t s : sizes) {
    std::string name;
    if (f != Flavour::linux_2_6)
      name = name_6(s);
    else
      name = (scheme == KmallocScheme::slab ? "size-" : "kmalloc-") + std::to_string(s);
    std::uint32_t stride = s;
    if (scheme == KmallocScheme::slab) stride = slab_kmalloc_stride(s, cache_line);
    caches_.push_back({std::move(name), s, stride});
  }

  // The first cache at least as large as the request (2.6.32 SLAB __find_general_cachep walks
  // the list; SLUB and 6.x use size_index[] and fls). Every class is a multiple of 8, so the
  // class of (8i, 8i + 8] is the first one >= 8i + 8; above 192 all classes are powers of two.
  auto first_fit = [&](std::uint64_t req) -> std::int8_t {
    for (std::size_t i = 0; i < caches_.size(); ++i)
      if (caches_[i].size >= req) return static_cast<std::int8_t>(i);
    return -1;
  };
  for (std::size_t i = 0; i < small_.size(); ++i) small_[i] = first_fit(8 * (i + 1));
  const unsigned top = fls64(max_cache_size_ - 1);
  by_fls_.assign(top + 1, -1);
  for (unsigned b = 8; b <= top; ++b) by_fls_[b] = first_fit(std::uint64_t{1} << b);
}

int KmallocSizes::index(std::uint64_t size) const {
  if (size == 0 || size > max_cache_size_ || caches_.empty()) return -1;
  // mm/slab_common.c:kmalloc_slab: size_index[(size - 1) / 8] up to 192, else fls(size - 1).
  if (size <= 192) return small_[(size - 1) / 8];
  return by_fls_[fls64(size - 1)];
}

std::uint64_t KmallocSizes::bytes_alloc(std::uint64_t size) const {
  if (size == 0 || size > max_size_) return 0;
  if (scheme_ == KmallocScheme::slob) {
    // mm/slob.c:__kmalloc_node: heap blocks carry an align-byte header; the event prints
    // size + align unrounded, and PAGE_SIZE << order for the page path.
    if (size <= max_cache_size_) return size + slob_align_;
    return kPageSize << get_order(size);
  }
  if (size > max_cache_size_) return kPageSize << get_order(size);  // kmalloc_large
  return caches_[static_cast<std::size_t>(index(size))].stride;
}

}  // namespace allocsim::model
