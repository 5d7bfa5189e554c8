#pragma once
// A synthetic 6.x raw ftrace kmem trace generated in memory (for the parser
// benchmark and the allocation test): kmalloc / kmem_cache_alloc / kfree /
// kmem_cache_free / mm_page_alloc / mm_page_free lines in the 6.8 TP_printk
// format, from a handful of tasks, call sites and gfp masks.
#include <cstddef>
#include <string>

namespace allocsim::workloads::trace {

std::string synthetic_6x_ftrace(std::size_t lines);

}  // namespace allocsim::workloads::trace
