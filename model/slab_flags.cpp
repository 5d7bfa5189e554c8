#include "model/slab_flags.hpp"

#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace allocsim::model {
namespace {

constexpr std::array<std::pair<std::string_view, SlabFlags>, 16> kNames{{
    {"SLAB_CONSISTENCY_CHECKS", SLAB_CONSISTENCY_CHECKS},
    {"SLAB_DEBUG_FREE", SLAB_CONSISTENCY_CHECKS},  // 2.6.32 name
    {"SLAB_RED_ZONE", SLAB_RED_ZONE},
    {"SLAB_POISON", SLAB_POISON},
    {"SLAB_HWCACHE_ALIGN", SLAB_HWCACHE_ALIGN},
    {"SLAB_CACHE_DMA", SLAB_CACHE_DMA},
    {"SLAB_CACHE_DMA32", SLAB_CACHE_DMA32},
    {"SLAB_STORE_USER", SLAB_STORE_USER},
    {"SLAB_RECLAIM_ACCOUNT", SLAB_RECLAIM_ACCOUNT},
    {"SLAB_PANIC", SLAB_PANIC},
    {"SLAB_TYPESAFE_BY_RCU", SLAB_TYPESAFE_BY_RCU},
    {"SLAB_DESTROY_BY_RCU", SLAB_TYPESAFE_BY_RCU},  // 2.6.32 name
    {"SLAB_NOLEAKTRACE", SLAB_NOLEAKTRACE},
    {"SLAB_ACCOUNT", SLAB_ACCOUNT},
    {"SLAB_NO_MERGE", SLAB_NO_MERGE},
    {"SLAB_NO_COLOUR", SLAB_NO_COLOUR},
}};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

[[noreturn]] void bad_token(std::string_view token) {
  throw std::invalid_argument("unknown slab flag '" + std::string(token) + "'");
}

SlabFlags parse_token(std::string_view token) {
  for (const auto& [name, value] : kNames)
    if (token == name) return value;
  // A number: decimal, or hex with a 0x prefix. It must fit in 32 bits.
  int base = 10;
  std::string_view digits = token;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  SlabFlags value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) bad_token(token);
  return value;
}

}  // namespace

SlabFlags parse_slab_flags(std::string_view text) {
  if (trim(text).empty()) return 0;
  SlabFlags flags = 0;
  for (;;) {
    const auto bar = text.find('|');
    const std::string_view token = trim(text.substr(0, bar));
    flags |= parse_token(token);
    if (bar == std::string_view::npos) return flags;
    text.remove_prefix(bar + 1);
  }
}

}  // namespace allocsim::model
