#!/usr/bin/python3
"""How often the replay's slab-page rule (workloads/replay/slab_pages.hpp,
SlabPageRule::slab_gfp, mirrored below) is wrong, on a recording made with
`allocsim record --stacktrace`: each mm_page_alloc's call chain (the
<stack trace> the kernel prints after the event, on the same CPU) says
whether it is a slab page (allocate_slab, new_slab, alloc_slab_page or
___slab_alloc in the chain). Prints the counts and the rule's errors.

usage: bench/slab_page_rule.py RECORDING_DIR"""
import collections
import re
import sys

EVENT = re.compile(r"^\s*.+?-\d+\s+\[(\d+)\]\s+\S+\s+[\d.]+: (\w+): (.*)$")
STACK = re.compile(r"\[(\d+)\].*: <stack trace>\s*$")
SLAB_FRAMES = ("allocate_slab", "new_slab", "alloc_slab_page", "___slab_alloc")


def rule(gfp: str) -> bool:
    """SlabPageRule::slab_gfp."""
    flags = set(gfp.split("|"))
    nowait = "GFP_NOWAIT" in flags  # 6.x: __GFP_KSWAPD_RECLAIM|__GFP_NOWARN
    page_frag = nowait and ("__GFP_IO" in flags or "__GFP_FS" in flags)
    return ({"__GFP_COMP", "__GFP_NORETRY"} <= flags
            and (nowait or "__GFP_NOWARN" in flags) and not page_frag
            and "__GFP_MOVABLE" not in flags and "GFP_HIGHUSER_MOVABLE" not in flags)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    allocs = []  # [gfp, frames]
    waiting = {}  # cpu -> the page allocation whose call chain comes next
    frames = None
    for line in open(f"{sys.argv[1]}/trace.txt", errors="replace"):
        if line.startswith(" => "):
            if frames is not None:
                frames.append(line[4:].strip())
            continue
        s = STACK.search(line)
        if s:
            i = waiting.pop(s.group(1), None)
            frames = allocs[i][1] if i is not None else None
            continue
        frames = None
        m = EVENT.match(line)
        if not m:
            continue
        waiting.pop(m.group(1), None)
        if m.group(2) == "mm_page_alloc":
            gfp = re.search(r"gfp_flags=(\S+)", m.group(3))
            allocs.append([gfp.group(1) if gfp else "", []])
            waiting[m.group(1)] = len(allocs) - 1
    counts = collections.Counter()
    for gfp, chain in allocs:
        truth = any(f.startswith(SLAB_FRAMES) for f in chain)
        counts[(truth, rule(gfp), bool(chain))] += 1
    with_chain = sum(v for k, v in counts.items() if k[2])
    slab = sum(v for k, v in counts.items() if k[0])
    fp = sum(v for k, v in counts.items() if not k[0] and k[1] and k[2])
    fn = sum(v for k, v in counts.items() if k[0] and not k[1])
    print(f"mm_page_alloc events: {len(allocs)}, with a call chain: {with_chain}")
    print(f"slab pages by call chain: {slab}; by the rule: "
          f"{sum(v for k, v in counts.items() if k[1] and k[2])}")
    print(f"rule wrong: {fp} taken for slab pages that are not, {fn} slab pages missed "
          f"({100.0 * (fp + fn) / max(with_chain, 1):.3f} % of the allocations)")


if __name__ == "__main__":
    main()
