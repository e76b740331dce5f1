#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
doc: Counts the words of a file input.
baseCommand: [wc, -w]
inputs:
  text:
    type: File
    inputBinding:
      position: 1
stdout: count.txt
outputs:
  count:
    type: stdout
