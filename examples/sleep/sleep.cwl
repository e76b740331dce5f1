#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
doc: Sleeps for `seconds`, then succeeds; long enough to cancel or crash a worker under it.
baseCommand: sleep
inputs:
  seconds:
    type: int
    inputBinding:
      position: 1
stdout: slept.txt
outputs:
  slept:
    type: stdout
