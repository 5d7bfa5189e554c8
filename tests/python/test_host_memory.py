"""The host-memory estimate of `allocsim run` (issue 18) against the peak RSS
of a real run: the structures the machine config sizes dominate, so the
estimate must be within 30% of what the process used, with sampling off and
with thousands of samples (the timeseries are spooled to a file, not held in
memory: 2035 samples of 128 x 9 pcp rows held in memory were 230 MB more)."""
import os
import re
import subprocess

import h5py
import pytest

MACHINE = """
machine: {cpus: 128, nodes: 8, memory: {per_node: 512MiB}}
run: {sample_interval: %s}
workload:
  generator:
    name: tiny
    threads:
      - name: t
        cpus: all
        iterations: 20
        ops:
          - kmalloc: {size: 64, lifetime: 1us}
"""


def estimate_mib(allocsim, config):
    p = allocsim.run("validate", config, "--set", "run.max_host_memory=1MiB")
    assert p.returncode != 0
    m = re.search(r"needs an estimated ([\d.]+) (MiB|GiB) of host memory", p.stderr)
    assert m, p.stderr
    return float(m.group(1)) * (1024 if m.group(2) == "GiB" else 1)


@pytest.mark.parametrize("interval,samples", [("none", 2), ("40ns", 2035)])
def test_estimate_tracks_the_peak_rss_of_a_run(allocsim, tmp_path, interval, samples):
    config = tmp_path / "machine.yaml"
    config.write_text(MACHINE % interval)
    estimate = estimate_mib(allocsim, config)
    out = tmp_path / "out.h5"
    child = subprocess.Popen([str(allocsim.binary), "run", str(config), "-q", "-o", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, child.stderr.read()
    with h5py.File(out) as f:
        ts = f["runs/machine/timeseries"]
        assert len(ts["vmstat"]) == samples
        assert len(ts["pcp"]) == samples * 128 * 9  # 8 nodes + ZONE_DMA32
    rss_mib = usage.ru_maxrss / 1024  # Linux: KiB
    assert 0.8 * rss_mib <= estimate <= 1.3 * rss_mib, (estimate, rss_mib)


def test_run_refuses_a_machine_above_the_limit_before_building_it(allocsim, tmp_path):
    p = allocsim.run("run", "--set", "machine.cpus=4096", "--set", "machine.nodes=8",
                     "--set", "run.max_host_memory=2GiB", "-o", tmp_path / "out.h5")
    assert p.returncode != 0
    assert re.search(r"run\.max_host_memory: this machine \(4096 CPUs, 8 nodes\) needs an "
                     r"estimated [\d.]+ GiB of host memory, the largest part coherence directory "
                     r"\([\d.]+ GiB\), but the limit is 2\.00 GiB", p.stderr), p.stderr
    assert "bad_alloc" not in p.stderr
    assert not (tmp_path / "out.h5").exists()
