"""bench/pcp_decay_plot.py on a short sweep of workloads/bursty-pages.yaml: it
writes a PNG and its per-run figures show the decay only with vmstat work."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"stat_interval (\S+): .* mean count in idle gaps (\d+) .*final count (\d+), "
                  r"final high (\d+), vmstat_updates (\d+), pcp_high_decays (\d+), "
                  r"pcp_decay_pages (\d+)")


def test_plot_shows_decay_only_with_vmstat_work(allocsim, tmp_path):
    out = tmp_path / "bursty.h5"
    allocsim.check("sweep", ROOT / "workloads/bursty-pages.yaml", "--set",
                   "workload.generator.duration=4s", "--grid", "kernel.stat_interval=1,none",
                   "-o", out, "--quiet")
    png = tmp_path / "pcp.png"
    p = subprocess.run([sys.executable, str(ROOT / "bench/pcp_decay_plot.py"), str(out),
                        "-o", str(png)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    runs = {m[1]: [int(x) for x in m.groups()[1:]] for m in LINE.finditer(p.stdout)}
    assert set(runs) == {"1", "none"}, p.stdout
    idle_on, count_on, high_on, updates_on, decays_on, pages_on = runs["1"]
    idle_off, count_off, high_off, updates_off, decays_off, pages_off = runs["none"]
    # Without vmstat work nothing moves between bursts: the list keeps what
    # the last burst's frees left.
    assert (updates_off, decays_off, pages_off) == (0, 0, 0)
    assert idle_off == count_off
    # With it, high decays and the pages above it go back to the buddy lists.
    assert updates_on > 0 and decays_on > 0 and pages_on > 0
    assert high_on < high_off and count_on < count_off and idle_on < idle_off
