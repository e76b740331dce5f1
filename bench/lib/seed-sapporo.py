"""Fills a Sapporo run dir with COUNT copies of one real run, the way Sapporo keeps runs.

Usage: python seed-sapporo.py RUN_DIR TEMPLATE_RUN_ID COUNT

Sapporo (2.4.0, sapporo/run_io.py and sapporo/database.py) keeps each run as a directory,
RUN_DIR/<id[:2]>/<id>, the master data, and indexes them in RUN_DIR/sapporo.db (SQLite, table runs)
for listing. Each copy is a new uuid4 run dir whose files are hard links to the template's (the same
bytes to read, without a hundred thousand copies of them), except start_time and end_time, written
one second apart going back from the template's, so that the copies are older than every real run;
and a row in the index with those times, as add_run_db writes at POST /runs. The server may be
running: the index is in WAL mode and Sapporo writes it the same way.
"""
import errno
import os
import shutil
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

run_dir, template_id, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
template = run_dir / template_id[:2] / template_id
TIMES = ("start_time", "end_time")
INDEX_TIME = "%Y-%m-%d %H:%M:%S.%f"


def file_time(dt: datetime) -> str:
    # sapporo.utils.dt_to_time_str
    return dt.isoformat(timespec="seconds").replace("+00:00", "Z")


# Each file is hard-linked to one source; a file system caps an inode's links (65,000 on ext4), so
# when a source is full, the next copy becomes a real file and the source of those after it.
link_sources: dict = {}


def link_or_copy(original: Path, target: Path) -> None:
    source = link_sources.get(original, original)
    try:
        os.link(source, target)
    except OSError as err:
        if err.errno != errno.EMLINK:
            raise
        shutil.copy2(source, target)
        link_sources[original] = target


def copy_run(run_id: str, shift: timedelta, times: dict) -> None:
    target = run_dir / run_id[:2] / run_id
    for source_dir, dirs, files in os.walk(template):
        rel = Path(source_dir).relative_to(template)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            if rel == Path(".") and name in TIMES and times.get(name):
                (target / name).write_text(file_time(times[name] - shift))
            else:
                link_or_copy(Path(source_dir) / name, target / rel / name)


db = sqlite3.connect(run_dir / "sapporo.db", timeout=30)
db.execute("PRAGMA busy_timeout=30000")
username, state, start, end, tags = db.execute(
    "SELECT username, state, start_time, end_time, tags FROM runs WHERE run_id = ?", (template_id,)
).fetchone()
start_dt = datetime.fromisoformat(start)
end_dt = datetime.fromisoformat(end) if end else None
times = {
    name: datetime.fromisoformat((template / name).read_text().strip().replace("Z", "+00:00"))
    for name in TIMES
    if (template / name).exists()
}
BATCH = 5000
rows = []
for i in range(1, count + 1):
    run_id = str(uuid.uuid4())
    shift = timedelta(seconds=i)
    copy_run(run_id, shift, times)
    rows.append(
        (run_id, username, state, (start_dt - shift).strftime(INDEX_TIME), (end_dt - shift).strftime(INDEX_TIME) if end_dt else None, tags)
    )
    if len(rows) == BATCH or i == count:
        db.executemany("INSERT INTO runs (run_id, username, state, start_time, end_time, tags) VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.commit()
        rows = []
db.close()
