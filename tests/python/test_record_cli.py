"""End-to-end tests of `allocsim record` on the live kernel (io/recording/).

They need root and a kernel with tracefs and the kmem tracepoints; anywhere
else every test here is skipped, and the reason is printed as a warning.
Each test records a small command into a temporary directory and checks the
recording directory (docs/recording.md), that the trace replays, and that the
global tracing state and the tracefs instances are as they were: after a
normal, a failing, an interrupted and an overrun recording.
"""

import os
import re
import shutil
import signal
import subprocess
import time
import warnings
from pathlib import Path

import pytest

try:  # python3-yaml is in scripts/debian-packages.txt
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

TRACEFS = Path("/sys/kernel/tracing")
GLOBAL_STATE = ("tracing_on", "set_event", "buffer_size_kb", "current_tracer", "trace_clock")

# A command that allocates: a directory walk (dentries, inodes, page cache).
WALK = ["/bin/sh", "-c", "ls -R /usr/share/doc > /dev/null"]
# A busy one, for overruns: two readers of many files at once.
BUSY = ["/bin/sh", "-c",
        "for i in 1 2; do (find /usr -type f | head -4000 | xargs cat > /dev/null) & done; wait"]

SNAPSHOT_FILES = {"zoneinfo", "pagetypeinfo", "buddyinfo", "slabinfo", "vmstat", "meminfo",
                  "slab_caches.tsv", "cpu_caches.tsv", "kernel_release", "cpu/online",
                  "vm/min_free_kbytes", "vm/watermark_scale_factor",
                  "vm/lowmem_reserve_ratio", "vm/percpu_pagelist_high_fraction"}


def _why_not() -> str:
    if os.geteuid() != 0:
        return "allocsim record needs root; these tests run as uid %d" % os.geteuid()
    if not (TRACEFS / "instances").is_dir():
        mounts = Path("/proc/filesystems").read_text()
        if "tracefs" not in mounts:
            return "this kernel has no tracefs"
        return f"tracefs is not mounted at {TRACEFS}"
    if not (TRACEFS / "events" / "kmem" / "kmalloc").is_dir():
        return "this kernel has no kmem tracepoints"
    return ""


REASON = _why_not()
if REASON:
    warnings.warn(f"test_record_cli skipped: {REASON}")
pytestmark = pytest.mark.skipif(bool(REASON), reason=REASON)


def global_state() -> dict:
    state = {name: (TRACEFS / name).read_text() for name in GLOBAL_STATE}
    state["instances"] = sorted(p.name for p in (TRACEFS / "instances").iterdir()
                                if p.name.startswith("allocsim-"))
    return state


@pytest.fixture
def untouched():
    """Asserts at the end of the test that tracing is as it was before it."""
    before = global_state()
    yield
    after = global_state()
    assert after == before


def manifest(rec: Path) -> dict:
    if yaml is None:
        pytest.skip("python3-yaml is not installed")
    return yaml.safe_load((rec / "recording.yaml").read_text())


def leftovers(parent: Path, name: str) -> list:
    """Hidden temporary siblings .NAME.tmp-PID left next to the recording."""
    return [p.name for p in parent.iterdir() if p.name.startswith(f".{name}.tmp-")]


def test_records_a_command_completely(allocsim, tmp_path, untouched):
    rec = tmp_path / "walk"
    p = allocsim.run("record", "-o", rec, "--", *WALK, timeout=300)
    assert p.returncode == 0, p.stderr
    assert re.search(r"recorded \d+ events", p.stderr)
    for part in ("before", "after"):
        files = {str(f.relative_to(rec / part)) for f in (rec / part).rglob("*") if f.is_file()}
        assert SNAPSHOT_FILES <= files, SNAPSHOT_FILES - files
        assert any(f.startswith("node/node0/") for f in files)
        slab = (rec / part / "slab_caches.tsv").read_text().splitlines()
        assert slab[0].split("\t")[:3] == ["name", "object_size", "slab_size"]
        assert len(slab) > 10
        assert all(len(row.split("\t")) == len(slab[0].split("\t")) for row in slab)
        assert (rec / part / "cpu_caches.tsv").read_text().startswith("cpu\tindex\tlevel\t")
        assert (rec / part / "kernel_release").read_text().strip() == os.uname().release
    m = manifest(rec)
    assert m["format"] == 1
    assert m["command"] == WALK
    assert m["command_exit"] == {"code": 0}
    assert m["kernel_release"] == os.uname().release
    assert m["time"]["clock"] == "mono"
    t = m["time"]
    assert t["before_snapshot"]["end_ns"] <= t["start"]["trace_ns"] < t["stop"]["trace_ns"]
    assert t["stop"]["trace_ns"] <= t["after_snapshot"]["start_ns"]
    assert list(t["before_snapshot"]["read_ns"])[-1] == "buddyinfo"
    assert list(t["after_snapshot"]["read_ns"])[0] == "buddyinfo"
    tr = m["trace"]
    assert "kmem/kmalloc" in tr["events_enabled"]
    assert tr["lost_events"] == 0
    assert tr["hashed_pointers"] is False
    trace = (rec / "trace.txt").read_text()
    assert tr["bytes"] == len(trace.encode())
    assert tr["lines"] == trace.count("\n")
    assert tr["events"] == sum(tr["by_event"].values()) > 100
    assert tr["by_event"]["tracing_mark_write"] == 3  # start, command pid, stop
    assert sum(c["events"] for c in m["cpus"]) == tr["events"]
    for c in m["cpus"]:
        assert c["events"] == c["read_events"]
        assert c["overrun"] == c["dropped_events"] == c["commit_overrun"] == 0
    listed = {f["path"]: f["bytes"] for f in m["files"]}
    on_disk = {str(f.relative_to(rec)): f.stat().st_size for f in rec.rglob("*")
               if f.is_file() and f.name != "recording.yaml"}
    assert listed == on_disk
    assert leftovers(tmp_path, "walk") == []

    # The machine config loads and runs; the trace replays on it.
    allocsim.check("validate", rec / "machine.yaml")
    allocsim.check("run", rec / "machine.yaml", "--quiet", "--set",
                   "workload.generator.threads.0.iterations=20")
    r = allocsim.check("run", rec, timeout=300)  # the directory: machine.yaml, then trace.txt
    replayed = int(re.search(r"events read from the trace +(\d+)", r.stdout).group(1))
    assert replayed == tr["events"]
    assert re.search(r"^malformed lines skipped.* 0$", r.stdout, re.M)


def test_stacktrace_recording_replays(allocsim, tmp_path, untouched):
    rec = tmp_path / "stacks"
    allocsim.check("record", "-o", rec, "--stacktrace", "--events", "kmem/kmalloc,kfree",
                   "--", "/bin/ls", "-R", "/usr/share/doc/", timeout=300)
    m = manifest(rec)
    assert m["trace"]["stacktrace"] is True
    assert m["trace"]["events_enabled"] == ["kmem/kmalloc", "kmem/kfree"]
    stacks = m["trace"]["by_event"]["<stack trace>"]
    assert stacks > 0 and m["trace"]["stack_frames"] >= stacks
    assert " => " in (rec / "trace.txt").read_text()
    allocsim.check("run", rec / "machine.yaml", "--set", f"workload.trace={rec}/trace.txt")


def test_failing_command_still_gives_a_complete_recording(allocsim, tmp_path, untouched):
    rec = tmp_path / "fails"
    p = allocsim.run("record", "-o", rec, "--", "/bin/sh", "-c",
                     "echo to-stdout; echo to-stderr >&2; exit 3")
    assert p.returncode == 1
    assert "to-stdout" in p.stdout  # the command's output passes through
    assert "to-stderr" in p.stderr
    assert f"the command ended with exit status 3; the recording in {rec} is complete" in p.stderr
    assert manifest(rec)["command_exit"] == {"code": 3}
    assert (rec / "trace.txt").is_file()


def test_a_command_that_cannot_run_is_bad_input(allocsim, tmp_path, untouched):
    p = allocsim.run("record", "-o", tmp_path / "x", "--", "/no/such/program")
    assert p.returncode == 2
    assert "cannot run '/no/such/program'" in p.stderr
    assert not (tmp_path / "x").exists() and leftovers(tmp_path, "x") == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_recording_leaves_nothing(allocsim, tmp_path, reap, untouched, sig):
    rec = tmp_path / "interrupted"
    marker = f"{time.time_ns() % 1000000}.5"  # a unique sleep, to find it afterwards
    p = allocsim.start("record", "-o", rec, "--", "sleep", marker)
    reap(p)
    deadline = time.time() + 20
    while not (TRACEFS / "instances" / f"allocsim-{p.pid}").exists():
        assert p.poll() is None, p.communicate()
        assert time.time() < deadline, "the instance never appeared"
        time.sleep(0.05)
    time.sleep(0.5)  # into the wait for the command
    p.send_signal(sig)
    out, err = p.communicate(timeout=30)
    assert p.returncode == -sig
    assert f"interrupted by {signal.Signals(sig).name}; no recording written" in err
    assert not rec.exists()
    assert leftovers(tmp_path, "interrupted") == []
    left = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True)
    assert left.stdout == "", "the command was left running"


def test_killed_recording_looks_incomplete_and_is_cleaned_up_next_time(allocsim, tmp_path, reap,
                                                                      untouched):
    rec = tmp_path / "killed"
    p = allocsim.start("record", "-o", rec, "--", "sleep", "30")
    reap(p)
    instance = TRACEFS / "instances" / f"allocsim-{p.pid}"
    deadline = time.time() + 20
    while not instance.exists():
        assert p.poll() is None and time.time() < deadline
        time.sleep(0.05)
    # The instance exists before the command is started: wait for the sleep
    # (on a loaded host the fork can take longer than any fixed pause).
    children_file = Path(f"/proc/{p.pid}/task/{p.pid}/children")
    while not (children := children_file.read_text().split()):
        assert p.poll() is None and time.time() < deadline
        time.sleep(0.05)
    time.sleep(0.2)
    assert len(children) == 1  # the sleep
    p.kill()
    p.wait(timeout=30)
    os.kill(int(children[0]), signal.SIGKILL)  # orphaned; it holds allocsim's output pipes
    p.communicate(timeout=30)
    assert not rec.exists()  # never a directory that looks complete
    assert len(leftovers(tmp_path, "killed")) == 1
    assert instance.exists()
    r = allocsim.check("record", "-o", tmp_path / "next", "--duration", "50ms")
    assert f"removed the tracefs instance allocsim-{p.pid} of a killed recording" in r.stderr
    assert not instance.exists()


def test_overrun_fails_with_a_buffer_size_that_then_works(allocsim, tmp_path, untouched):
    rec = tmp_path / "busy"
    p = allocsim.run("record", "-o", rec, "--buffer-size", "8KiB", "--", *BUSY, timeout=300)
    assert p.returncode == 1, p.stderr
    m = re.search(r"the ring buffer lost (\d+) events .* no recording written\. "
                  r"--buffer-size (\d+MiB) would have held every event", p.stderr)
    assert m, p.stderr
    assert int(m.group(1)) > 0
    assert not rec.exists() and leftovers(tmp_path, "busy") == []
    allocsim.check("record", "-o", rec, "--buffer-size", m.group(2), "--", *BUSY, timeout=300)
    assert manifest(rec)["trace"]["lost_events"] == 0


def test_whole_system_for_a_duration(allocsim, tmp_path, untouched):
    rec = tmp_path / "system"
    allocsim.check("record", "-o", rec, "--duration", "300ms")
    m = manifest(rec)
    assert m["command"] is None and m["command_exit"] is None
    assert m["duration_ns"] == 300_000_000
    assert m["time"]["stop"]["trace_ns"] - m["time"]["start"]["trace_ns"] >= 300_000_000


def test_force_replaces_only_a_recording(allocsim, tmp_path, untouched):
    rec = tmp_path / "again"
    allocsim.check("record", "-o", rec, "--duration", "50ms")
    first = manifest(rec)["allocsim"]["pid"]
    p = allocsim.run("record", "-o", rec, "--duration", "50ms")
    assert p.returncode == 2 and "exists (use --force to replace it)" in p.stderr
    allocsim.check("record", "-o", rec, "--force", "--duration", "50ms")
    assert manifest(rec)["allocsim"]["pid"] != first
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "data").write_text("keep")
    p = allocsim.run("record", "-o", tmp_path / "precious", "--force", "--duration", "50ms")
    assert p.returncode == 2 and "is not an allocsim recording" in p.stderr
    assert (tmp_path / "precious" / "data").read_text() == "keep"


@pytest.mark.parametrize("args, message", [
    (["--events", "kmem/kmaloc", "--", "true"], "unknown event 'kmem/kmaloc' (did you mean 'kmem/kmalloc'?)"),
    (["--", ], "no COMMAND after '--'"),
    (["true"], "the command goes after '--'"),
    ([], "give a COMMAND after '--' or --duration TIME"),
    (["--duration", "1s", "--", "true"], "--duration and a COMMAND exclude each other"),
    (["--duration", "5"], "expected a time above 0 with a unit"),
    (["--buffer-size", "12", "--", "true"], "at least 1KiB"),
])
def test_bad_input_is_exit_code_2(allocsim, tmp_path, untouched, args, message):
    p = allocsim.run("record", "-o", tmp_path / "x", *args)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr
    assert p.stderr.count("\n") == 1  # one line
    assert not (tmp_path / "x").exists() and leftovers(tmp_path, "x") == []


def test_not_root_is_exit_code_2(allocsim_bin, tmp_path):
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("setpriv (util-linux) is not installed")
    tmp_path.chmod(0o777)
    p = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                        str(allocsim_bin), "record", "-o", str(tmp_path / "x"), "--", "true"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert "allocsim record needs root" in p.stderr


def test_mounts_tracefs_when_needed_and_unmounts_it(allocsim_bin, tmp_path, untouched):
    unshare = shutil.which("unshare")
    if not unshare:
        pytest.skip("unshare (util-linux) is not installed")
    # In a private mount namespace without tracefs: record mounts it, then unmounts it.
    script = (f"umount {TRACEFS} || exit 99; "
              f"{allocsim_bin} record -o {tmp_path}/ns --duration 50ms || exit 98; "
              f"grep -c ' {TRACEFS} tracefs ' /proc/self/mounts; exit 0")
    p = subprocess.run([unshare, "-m", "--propagation", "private", "sh", "-c", script],
                       capture_output=True, text=True, timeout=120)
    if p.returncode == 99:
        pytest.skip(f"cannot unmount tracefs in a mount namespace: {p.stderr.strip()}")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "0"  # not mounted any more inside the namespace
    assert (tmp_path / "ns" / "recording.yaml").is_file()
    assert (TRACEFS / "instances").is_dir()  # still mounted outside
