// libFuzzer harness of the sweep-file reader and the grid's expansion. Bad
// input must end in a ConfigError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/config/error.hpp"
#include "io/run/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    allocsim::io::expand(allocsim::io::read_sweep_text(text, "fuzz/sweep.yaml"));
  } catch (const allocsim::io::ConfigError&) {
  }
  return 0;
}
