// libFuzzer harness of the workload generator's value parser: distributions
// and tables of counts, sizes and times (the first byte picks the quantity),
// then a few draws, their mean and bounds. A bad value must end in
// std::invalid_argument; a draw must stay within [min, max].
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "io/config/distribution_text.hpp"
#include "sim/rng.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto quantity = static_cast<allocsim::io::Quantity>(data[0] % 3);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const auto d = allocsim::io::parse_distribution(text, quantity, 2.5);
    allocsim::sim::Rng rng(1, 2);
    for (int i = 0; i < 16; ++i) {
      const std::uint64_t v = d.sample(rng);
      if (v < d.min() || v > d.max()) std::abort();
    }
    (void)d.mean();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
