#pragma once
// Errors of `allocsim record`. InputError is bad input (not root, no tracefs,
// an unknown event, an unusable output directory): exit code 2. Anything else
// thrown while recording is a failure (exit code 1).
#include <stdexcept>

namespace allocsim::io::recording {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace allocsim::io::recording
