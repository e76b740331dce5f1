#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
doc: Writes to stderr and exits 3, for the executor-error path.
baseCommand: [sh, -c, 'echo boom >&2; exit 3']
inputs: []
outputs: []
