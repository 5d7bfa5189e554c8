#pragma once
// The config text of a workload distribution:
//   64, 2KiB, 10us           a constant, in the field's unit
//   uniform(a, b)            uniform in [a, b], both ends included
//   exponential(mean)
//   lognormal(median, s)     s is unitless
//   pareto(xm, alpha)        alpha is unitless; pareto(xm, alpha, max) caps draws
//   table(v1:w1, v2:w2, ...) discrete values with integer weights
// Quantity arguments take the field's unit. Spaces around arguments are free.
#include <string_view>

#include "workloads/generator/distribution.hpp"

namespace allocsim::io {

enum class Quantity : unsigned char {
  count,  // plain non-negative integer
  bytes,  // sizes with units, as parse_size reads them
  time,   // cycles, from times with units (10us, 500ns, 2000 cycles)
};

// Throws std::invalid_argument with a message saying what is wrong (the
// caller adds the file, line and key).
workloads::gen::Distribution parse_distribution(std::string_view text, Quantity quantity,
                                                double ghz);

}  // namespace allocsim::io
