#pragma once
// The embedded default config: configs/default.yaml, compiled into the binary
// at build time (io/CMakeLists.txt generates default_config.cpp from it).

namespace allocsim::io {

const char* default_config_yaml();

}  // namespace allocsim::io
