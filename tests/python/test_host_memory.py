"""The host-memory estimate of `allocsim run` (issue 18) against the peak RSS
of a real run: the structures the machine config sizes dominate, so with
sampling off the estimate must be within 30% of what the process used."""
import os
import re
import subprocess

import pytest

MACHINE = """
machine: {cpus: 128, nodes: 8, memory: {per_node: 512MiB}}
run: {sample_interval: none}
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


def test_estimate_tracks_the_peak_rss_of_a_run(allocsim, tmp_path):
    config = tmp_path / "machine.yaml"
    config.write_text(MACHINE)
    estimate = estimate_mib(allocsim, config)
    child = subprocess.Popen([str(allocsim.binary), "run", str(config), "-q",
                              "-o", str(tmp_path / "out.h5")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, child.stderr.read()
    rss_mib = usage.ru_maxrss / 1024  # Linux: KiB
    assert 0.8 * rss_mib <= estimate <= 1.3 * rss_mib, (estimate, rss_mib)


def test_run_refuses_a_machine_above_the_limit_before_building_it(allocsim, tmp_path):
    p = allocsim.run("run", "--set", "machine.cpus=4096", "--set", "machine.nodes=8",
                     "--set", "run.max_host_memory=2GiB", "-o", tmp_path / "out.h5")
    assert p.returncode != 0
    assert re.search(r"run\.max_host_memory: this machine \(4096 CPUs, 8 nodes\) needs an "
                     r"estimated [\d.]+ GiB of host memory, the largest part timeseries "
                     r"\([\d.]+ GiB\), but the limit is 2\.00 GiB", p.stderr), p.stderr
    assert "bad_alloc" not in p.stderr
    assert not (tmp_path / "out.h5").exists()
