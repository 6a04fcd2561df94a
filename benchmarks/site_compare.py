"""Measurements behind docs/performance.md's site figures that `make bench` does not take.

python -m benchmarks.site_compare rebuilds N AS_OF TREE:ARCHIVE:OUT ...
    `policytrack site build` processes of each code tree (a folder put first on
    PYTHONPATH, e.g. `git archive main | tar -x -C /tmp/main`) alternating, each on its
    own archive and site: CPU (getrusage of children) and wall medians. With --change,
    one document of the archive is retitled in a commit before each build.
python -m benchmarks.site_compare kinds ARCHIVE OUT
    one full build in this process, serial (no workers), collector off as in a build:
    the CPU of each kind of task (search segments, document pages, comparisons).
python -m benchmarks.site_compare state
    the build state's codec at 100,000 synthetic documents: CPU to save and load.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path


def rebuilds(n: int, as_of: str, specs: list[list[str]], change: bool) -> None:
    cpu: dict[str, list[float]] = defaultdict(list)
    wall: dict[str, list[float]] = defaultdict(list)
    for k in range(n):
        for tree, archive, out in specs:
            if change:
                files = sorted(Path(archive).glob("*.md"))
                victim = files[(k * 37 + 500) % len(files)]
                text = victim.read_text(encoding="utf-8")
                text = re.sub(r"^title: (.*)$", r"title: \1·", text, count=1, flags=re.M)
                victim.write_text(text, encoding="utf-8")
                git = ["git", "-C", archive, "-c", "user.name=b", "-c", "user.email=b@x"]
                subprocess.run([*git, "commit", "-qam", "edit"], check=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            cmd = ["site", "build", "--archive", archive, "--out", out, "--as-of", as_of]
            subprocess.run(
                [sys.executable, "-m", "policytrack", *cmd],
                env={**os.environ, "PYTHONPATH": tree},
                check=True,
                capture_output=True,
            )
            wall[tree].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            cpu[tree].append(used)
    for tree in cpu:
        print(
            f"{tree}: CPU median {statistics.median(cpu[tree]):.3f} s "
            f"{[round(c, 2) for c in cpu[tree]]}; wall median {statistics.median(wall[tree]):.3f} s"
        )


def kinds(archive: Path, out: Path) -> None:
    import policytrack.site.build as build
    from policytrack.commands import site_build

    build.PARALLEL_FROM = 10**9  # every task in this process
    spent: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    run_task = build.run_task

    def timed(task: build.Task) -> build.Done:
        t = time.process_time()
        done = run_task(task)
        spent[task.kind] += time.process_time() - t
        count[task.kind] += len(task.ids) + len(task.indexes)
        return done

    build.run_task = timed  # type: ignore[assignment]
    t, c = time.perf_counter(), time.process_time()
    site_build(archive, out, date(2025, 10, 1))
    print(f"full build: wall {time.perf_counter() - t:.1f} s, CPU {time.process_time() - c:.1f} s")
    for kind, seconds in spent.items():
        print(f"  {kind}: {count[kind]} items, {seconds:.1f} s of CPU")


def state() -> None:
    from policytrack.site.state import DocState, KeptStatus, SiteState

    gc.disable()  # as in a build
    rng = random.Random(1)
    codes = ("in_force", "expired", "amended", "repealed")
    kinds = [
        KeptStatus(
            codes[i % 4], f"r{i}", date(2020, 1, 1 + i % 28) if i % 3 else None, None, "原因"
        )
        for i in range(40)
    ]
    ids = [f"bench-{i:06d}" for i in range(100_000)]
    st = SiteState("h", "2025-10-01")
    for k, doc_id in enumerate(ids):
        blob = hashlib.sha1(str(k).encode()).hexdigest()
        st.docs[doc_id] = DocState(blob, KeptStatus(*rng.choice(kinds)), blob[:16])
        st.shows.set(doc_id, tuple(sorted(rng.sample(ids, 4))))
    for _ in range(3):
        t = time.process_time()
        raw = pickle.dumps(st, protocol=pickle.HIGHEST_PROTOCOL)
        saved = time.process_time() - t
        t = time.process_time()
        pickle.loads(raw)
        loaded = time.process_time() - t
        print(f"save {saved * 1000:.0f} ms, load {loaded * 1000:.0f} ms, {len(raw) / 1e6:.1f} MB")


def main(argv: list[str]) -> None:
    if argv[:1] == ["rebuilds"]:
        change = "--change" in argv
        args = [a for a in argv[1:] if a != "--change"]
        rebuilds(int(args[0]), args[1], [s.split(":") for s in args[2:]], change)
    elif argv[:1] == ["kinds"]:
        kinds(Path(argv[1]), Path(argv[2]))
    elif argv[:1] == ["state"]:
        state()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
