#pragma once
// Who pays for the kernel's metadata accesses: the CPU running the code, or
// nobody (boot-time set-up, functional checks). Every access the real code
// would make goes through here.
#include "sim/cpu.hpp"

namespace allocsim::model {

struct Charge {
  sim::Cpu* cpu = nullptr;
  void read(sim::PhysAddr a, std::uint32_t n = 8) const {
    if (cpu) cpu->read(a, n);
  }
  void write(sim::PhysAddr a, std::uint32_t n = 8) const {
    if (cpu) cpu->write(a, n);
  }
  void rmw(sim::PhysAddr a, std::uint32_t n = 8) const {
    if (cpu) cpu->rmw(a, n);
  }
};

}  // namespace allocsim::model
