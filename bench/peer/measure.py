#!/usr/bin/env python3
"""Run a command and report its wall time and memory, counting child processes.

    measure.py RESULT_FILE -- COMMAND [ARGS...]

Writes one line "wall_s=<s> tree_rss_mib=<MiB> max_proc_rss_mib=<MiB>" to
RESULT_FILE (the command's own stdout/stderr pass through). tree_rss_mib is the
peak, sampled every 50 ms, of the summed resident set size of the command and
all its descendants (shared pages are counted once per process, so it is an
upper bound); max_proc_rss_mib is the largest single process's peak RSS from
the kernel (what GNU time's %M / "Maximum resident set size" reports). The two
differ for tools that run several processes: the npm peer runs a launcher
node, the indexing node and a watchdog node.
Exit status: the command's.
"""
import os
import resource
import subprocess
import sys
import time


def descendants(root):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            ppid = int(s[s.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    result, cmd = sys.argv[1], sys.argv[3:]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd)
    peak = 0
    while p.poll() is None:
        peak = max(peak, sum(rss_kib(q) for q in descendants(p.pid)))
        time.sleep(0.05)
    wall = time.monotonic() - t0
    maxproc = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    with open(result, "w") as f:
        f.write(f"wall_s={wall:.2f} tree_rss_mib={peak // 1024} max_proc_rss_mib={maxproc // 1024}\n")
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
