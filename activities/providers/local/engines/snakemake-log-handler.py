"""Snakemake's structured log, kept for durable-wes (snakemake --log-handler-script).

Appends each message about a job (job_info, shellcmd, job_finished, job_error) as one JSON line to
jobs/events.jsonl, which snakemake-jobs.ts reads while the run goes. Snakemake stamps every message
with the time it was logged. The path is fixed when Snakemake loads this file: the local provider
starts the engine in the run's work dir, and Snakemake changes into --directory only later.
"""
import json
import os

EVENTS = os.path.abspath(os.path.join("jobs", "events.jsonl"))
# The rest (DAG debugging, progress, resources) says nothing about a job, and would only make the
# file longer to read again each second.
LEVELS = {"job_info", "shellcmd", "job_finished", "job_error"}

os.makedirs(os.path.dirname(EVENTS), exist_ok=True)


def log_handler(msg):
    if msg.get("level") not in LEVELS:
        return
    # One write of one whole line: a reader sees whole lines, or a last one still being written.
    line = json.dumps(msg, default=str) + "\n"
    with open(EVENTS, "a", encoding="utf-8") as events:
        events.write(line)
