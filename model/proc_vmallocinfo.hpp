#pragma once
// /proc/vmallocinfo (mm/vmalloc.c s_show, 2.6.32 and 6.8).
#include <string>

#include "model/vmalloc.hpp"

namespace allocsim::model {

// One line per busy area in address order: "0x<start>-0x<end> <size %7ld>"
// (size with the guard page), then " <caller>", " pages=N", " vmalloc",
// " vmap", " user", " vpages" and, with NUMA, " N<node>=<pages>". 6.8 then
// prints each not yet purged lazy range (adjacent ones merged, as in the purge
// tree) as "... unpurged vm_area". Addresses: 16 hex digits on x86_64, 8 on i386.
std::string proc_vmallocinfo(const Vmalloc& v);

}  // namespace allocsim::model
