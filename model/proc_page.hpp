#pragma once
// The page allocator's reports in Linux's own text formats (mm/vmstat.c),
// one file per report.
#include "model/proc_buddyinfo.hpp"
#include "model/proc_extfrag.hpp"
#include "model/proc_pagetypeinfo.hpp"
#include "model/proc_vmstat.hpp"
#include "model/proc_zoneinfo.hpp"
