"""The recording committed as test data (tests/data/recordings/ls-etc,
made by `allocsim record` on a 6.18 kernel): its manifest agrees with its
files and its trace, its tables are well formed, and it replays. Needs no
root: it reads the committed files only."""

import re
from pathlib import Path

import pytest

try:  # python3-yaml is in scripts/debian-packages.txt
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

REC = Path(__file__).resolve().parents[2] / "tests" / "data" / "recordings" / "ls-etc"


@pytest.fixture(scope="module")
def manifest():
    if yaml is None:
        pytest.skip("python3-yaml is not installed")
    return yaml.safe_load((REC / "recording.yaml").read_text())


def test_manifest_lists_every_file(manifest):
    on_disk = {str(f.relative_to(REC)): f.stat().st_size for f in REC.rglob("*")
               if f.is_file() and f.name != "recording.yaml"}
    assert {f["path"]: f["bytes"] for f in manifest["files"]} == on_disk
    assert sum(on_disk.values()) < 1 << 20


def test_manifest_agrees_with_the_trace(manifest):
    lines = (REC / "trace.txt").read_text().splitlines()
    tr = manifest["trace"]
    assert tr["lines"] == len(lines)
    assert tr["lost_events"] == 0
    by_cpu = {}
    for line in lines:
        cpu = int(line.split("[", 1)[1].split("]", 1)[0])
        by_cpu[cpu] = by_cpu.get(cpu, 0) + 1
    assert {c["cpu"]: c["events"] for c in manifest["cpus"] if c["events"]} == by_cpu
    assert all(c["events"] == c["read_events"] for c in manifest["cpus"])
    assert tr["by_event"]["tracing_mark_write"] == 3
    marks = [line.split("tracing_mark_write: ")[1] for line in lines if "tracing_mark_write" in line]
    assert marks == ["allocsim-record start", f"allocsim-record command pid={manifest['command_pid']}",
                     "allocsim-record stop"]
    t = manifest["time"]
    assert t["start"]["trace_ns"] <= tr["first_event_ns"] + 1000
    assert tr["last_event_ns"] <= t["stop"]["trace_ns"]


def test_snapshot_tables_are_well_formed(manifest):
    for part in ("before", "after"):
        rows = [r.split("\t") for r in (REC / part / "slab_caches.tsv").read_text().splitlines()]
        assert rows[0][0] == "name" and "alias_names" in rows[0]
        assert all(len(r) == len(rows[0]) for r in rows)
        names = [r[0] for r in rows[1:]]
        assert names == sorted(names) and "kmalloc-64" in names
        assert (REC / part / "cpu_caches.tsv").read_text().startswith("cpu\tindex\t")
        for name in manifest["time"][f"{part}_snapshot"]["read_ns"]:
            assert (REC / part / name).is_file()


def test_replays_on_its_machine(cli, manifest):
    cli("validate", REC / "machine.yaml")
    out = cli("run", REC)  # the directory: its machine.yaml, then its trace
    # Every event line: the kmem ones, and vmalloc and marker lines as `other`.
    events = int(re.search(r"events read from the trace +(\d+)", out).group(1))
    assert events == manifest["trace"]["events"]
