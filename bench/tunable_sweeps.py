"""One sweep per study knob (issue 15), each printed as a Markdown table.

    /usr/bin/python3 bench/tunable_sweeps.py [--quick] [STUDY ...]

STUDY is one of: cpu_partial, pcp_batch, slab_limit, colour_step, zone_lock,
magazine (default: all). Every sweep runs on this machine's cores through
allocsim.sweep; the same command gives the same tables (the simulator is
deterministic). --quick shrinks the grids and the workloads to a few seconds each.
"""

import argparse
import sys

import allocsim

ROOT = __file__.rsplit("/bench/", 1)[0]


def workload(name):
    return f"{ROOT}/workloads/{name}.yaml"


def exercise(pattern, ops):
    return {"workload.kind": "exercise", "workload.exercise.patterns": [pattern],
            "workload.exercise.ops_per_cpu": ops}


# name: (config, fixed overrides, grid, columns to show); `quick` shrinks them.
def studies(quick):
    cpus = [1, 4, 16] if quick else [1, 4, 16, 64]
    return {
        # SLUB's per-CPU partial capacity on a cross-CPU free workload.
        "cpu_partial": (
            workload("hackbench"),
            {"kernel.slab": "slub", "workload.generator.params.groups": 2,
             "workload.generator.params.loops": 20 if quick else 100},
            {"kernel.slub_cpu_partial": [0, 8, 30, 60, 120]},
            ["kmalloc.mean_cycles", "free.mean_cycles", "lock_wait_cycles.kmem_cache_node.list_lock"]),
        # The pcp batch on page allocation and free (the exercise's page churn).
        "pcp_batch": (
            None, exercise("page_churn", 500 if quick else 4000),
            {"machine.cpus": cpus, "kernel.pcp_batch": [1, 7, 31, 63, 255, 1023]}, []),
        # SLAB's per-CPU array limit, 0 (no array) to 120.
        "slab_limit": (
            workload("threadtest"),
            {"kernel.slab": "slab", "workload.generator.params.rounds": 2 if quick else 10},
            {"kernel.slab_limit": [0, 1, 8, 30, 60, 120]},
            ["kmalloc.mean_cycles", "free.mean_cycles", "lock_wait_cycles.kmem_cache_node.list_lock"]),
        # SLAB's colour step, Solaris' 8 bytes to the cache line, on a cache
        # without SLAB_HWCACHE_ALIGN (an aligned cache keeps line-sized steps).
        "colour_step": (
            workload("colouring-study"),
            {"kernel.slab": "slab", "workload.generator.caches.0.flags": "0"},
            {"kernel.slab_colour_step": ["8B", "16B", "32B", "64B"]},
            ["touch.mean_cycles"]),
        # Ticket against queued spinlocks on the zone lock only.
        "zone_lock": (
            None, {**exercise("page_churn", 500 if quick else 4000), "kernel.pcp": False},
            {"machine.cpus": cpus, "machine.lock_classes.zone.kind": ["ticket", "queued"]}, []),
        # The magazine design's rounds M.
        "magazine": (
            workload("threadtest"),
            {"kernel.slab": "magazine", "workload.generator.params.rounds": 2 if quick else 10},
            {"kernel.magazine_rounds": [1, 3, 7, 15, 31, 63]},
            ["kmalloc.mean_cycles", "free.mean_cycles", "lock_wait_cycles.kmem_cache.cache_depot_lock"]),
    }


def table(frame, axes, columns):
    shown = [c for c in ["simulated_cycles", *columns] if c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    lines = ["| " + " | ".join([*axes, *shown]) + " |",
             "|" + "---|" * (len(axes) + len(shown))]
    for _, row in frame.iterrows():
        cells = [str(row[a]) for a in axes]
        for c in shown:
            v = row[c]
            cells.append(f"{v:,.1f}" if isinstance(v, float) else f"{v:,}")
        lines.append("| " + " | ".join(cells) + " |")
    if missing:
        lines.append(f"(not in this run's summary: {', '.join(missing)})")
    return "\n".join(lines)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("study", nargs="*")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    all_studies = studies(args.quick)
    for name in args.study or all_studies:
        if name not in all_studies:
            ap.error(f"unknown study {name!r} (expected {', '.join(all_studies)})")
        config, fixed, grid, columns = all_studies[name]
        frame = allocsim.sweep(config, grid=grid, overrides=fixed, progress=False,
                               out=None)
        print(f"## {name}\n")
        print(table(frame, list(grid), columns))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
