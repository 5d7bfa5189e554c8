// libFuzzer harness of the config loader: a YAML document, then --set
// strings, each after a line "#--set" (a comment to YAML). Bad input must end
// in a ConfigError; anything else escaping (a crash, a sanitizer report, an
// uncaught exception, a leak) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/config/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kSeparator = "\n#--set\n";
  std::size_t end = input.find(kSeparator);
  const std::string_view yaml = input.substr(0, end);
  std::vector<std::string> sets;
  while (end != std::string_view::npos) {
    const std::size_t start = end + kSeparator.size();
    end = input.find(kSeparator, start);
    sets.emplace_back(input.substr(start, end == std::string_view::npos ? end : end - start));
  }
  try {
    allocsim::io::load_config_text(yaml, "fuzz.yaml", sets);
  } catch (const allocsim::io::ConfigError&) {
  }
  return 0;
}
