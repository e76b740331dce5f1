"""Snakemake 9's job events for durable-wes: `snakemake --logger durable-wes --logger-durable-wes-events FILE`.

Snakemake 9 replaced --log-handler-script with logger plugins; this one appends each event about a
job to FILE, one JSON object a line, in the shape Snakemake 7 handed its log handler scripts
(../snakemake-log-handler.py), so that snakemake-jobs.ts reads both alike: `level` is the event
(job_info, shellcmd, job_finished, job_error), `timestamp` the time it was logged, `jobid` and `name`
the job and its rule.
"""

import json
from dataclasses import dataclass, field
from typing import Optional

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent
from snakemake_interface_logger_plugins.settings import LogHandlerSettingsBase


@dataclass
class LogHandlerSettings(LogHandlerSettingsBase):
    events: Optional[str] = field(
        default=None,
        metadata={"help": "The file job events are appended to, one JSON object a line", "required": True},
    )


def _job_info(record):
    return {
        "jobid": record.jobid,
        "name": record.rule_name,
        "msg": getattr(record, "rule_msg", None),
        "wildcards": getattr(record, "wildcards", None) or {},
        "output": list(getattr(record, "output", None) or []),
        "log": list(getattr(record, "log", None) or []),
    }


def _job_error(record):
    return {
        "jobid": record.jobid,
        "name": record.rule_name,
        "msg": getattr(record, "rule_msg", None),
        "shellcmd": getattr(record, "shellcmd", None),
    }


# What of each event is kept: the rest (DAG debugging, progress, resources) says nothing about a job.
EVENTS = {
    LogEvent.JOB_INFO: _job_info,
    LogEvent.SHELLCMD: lambda record: {"msg": getattr(record, "shellcmd", None)},
    LogEvent.JOB_FINISHED: lambda record: {"jobid": record.job_id},
    LogEvent.JOB_ERROR: _job_error,
}


class LogHandler(LogHandlerBase):
    def emit(self, record):
        event = getattr(record, "event", None)
        fields = EVENTS.get(event)
        if fields is None:
            return
        message = {"level": str(event), "timestamp": record.created, **fields(record)}
        # One write of one whole line: a reader sees whole lines, or a last one still being written.
        line = json.dumps(message, default=str) + "\n"
        with open(self.settings.events, "a", encoding="utf-8") as events:
            events.write(line)

    @property
    def writes_to_stream(self):
        return False

    @property
    def writes_to_file(self):
        # Snakemake would name a file handler's file as "the log" of the run; this is no such log.
        return False

    @property
    def has_filter(self):
        # Snakemake's default filter would drop shell commands unless --printshellcmds.
        return True

    @property
    def has_formatter(self):
        return True

    @property
    def needs_rulegraph(self):
        return False
