#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
doc: Writes a greeting to hello.txt.
baseCommand: echo
inputs:
  message:
    type: string
    inputBinding:
      position: 1
stdout: hello.txt
outputs:
  greeting:
    type: stdout
