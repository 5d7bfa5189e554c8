#pragma once
// The sweep's C++ pieces for Python's allocsim.sweep (analysis/allocsim/sweep.py):
// expanding a grid into named points, part-file names, the points already done
// (resume), and the merge of the parts into one results file with /sweep; and
// the default run name of allocsim.run. Python only schedules the points.
#include <pybind11/pybind11.h>

namespace allocsim::pyext {

void bind_sweep(pybind11::module_& m);

}  // namespace allocsim::pyext
