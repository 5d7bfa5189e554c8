#!/usr/bin/python3
"""Issue 19's closing figure: a CPU's pcp `count` and `high` over a run of
workloads/bursty-pages.yaml, with the periodic vmstat work (the kernel's
vm.stat_interval of 1 s: decay_pcp_high) and without (`none`).

    ./build/cli/allocsim sweep workloads/bursty-pages.yaml \\
        --grid kernel.stat_interval=1,none -o bursty.h5
    /usr/bin/python3 bench/pcp_decay_plot.py bursty.h5 -o docs/pcp-decay.png

Plots the (cpu, node, zone) list that held the most pages in the run, and
prints per run: its mean count while the bursting thread sleeps (samples
more than 50 ms after a burst's last free), its final count and high."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "analysis"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from allocsim.results import load  # noqa: E402


def label(stat_interval) -> str:
    return ("no vmstat work (stat_interval: none)" if str(stat_interval) == "none"
            else f"vmstat_update every {stat_interval} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("-o", "--output", default="pcp-decay.png")
    ap.add_argument("--cpu", type=int, default=0)
    args = ap.parse_args()

    res = load(args.results)
    summary = res.summary
    pcp = res.timeseries("pcp")
    pcp = pcp[pcp["cpu"] == args.cpu]
    # The list that held the most pages over the whole sweep.
    node, zone = pcp.groupby(["node", "zone"])["count"].max().idxmax()
    pcp = pcp[(pcp["node"] == node) & (pcp["zone"] == zone)]
    vm = res.timeseries("vmstat")

    fig, axes = plt.subplots(len(summary), 1, figsize=(7.0, 2.6 * len(summary)), sharex=True,
                             sharey=True, constrained_layout=True)
    axes = list(axes) if len(summary) > 1 else [axes]
    for ax, (run, row) in zip(axes, summary.iterrows()):
        ts = pcp[pcp["run"] == run].sort_values("time_ns")
        t = ts["time_ns"].to_numpy() / 1e9
        ax.step(t, ts["count"], where="post", lw=1.2, color="tab:blue", label="count")
        ax.step(t, ts["high"], where="post", lw=1.2, color="tab:red", label="high")
        ax.set_title(label(row["kernel.stat_interval"]), fontsize=10)
        ax.set_ylabel("pages")
        ax.grid(alpha=0.3)
        # Idle-gap samples: the bursting thread sleeps; a burst lasts a few ms,
        # so samples where count has not moved for 50 ms are between bursts.
        v = vm[vm["run"] == run].sort_values("time_ns")
        moving = ts["count"].diff().fillna(0).ne(0)
        last_move = ts["time_ns"].where(moving).ffill().fillna(0)
        idle = ts[(ts["time_ns"] - last_move) > 50e6]
        print(f"{run}: stat_interval {row['kernel.stat_interval']}: cpu {args.cpu} node {node} "
              f"{zone}: mean count in idle gaps {idle['count'].mean():.0f} "
              f"({len(idle)} samples), final count {ts['count'].iloc[-1]}, final high "
              f"{ts['high'].iloc[-1]}, "
              f"vmstat_updates {v['vmstat_updates'].iloc[-1]}, pcp_high_decays "
              f"{v['pcp_high_decays'].iloc[-1]}, pcp_decay_pages {v['pcp_decay_pages'].iloc[-1]}")
    axes[0].legend(loc="upper right", fontsize=9)
    axes[-1].set_xlabel("simulated time (s)")
    fig.suptitle(f"pcp list of CPU {args.cpu}, node {node} {zone}: bursts of page "
                 "allocations and frees", fontsize=11)
    fig.savefig(args.output, dpi=150)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
