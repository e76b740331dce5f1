#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: Workflow
doc: >-
  Greets each name in its own job (a scatter), then counts the words of all the greetings: a
  workflow whose engine runs several jobs, one per name and one more.
requirements:
  ScatterFeatureRequirement: {}
inputs:
  names:
    type: string[]
    default: [Ada, Grace, Alan]
outputs:
  greetings:
    type: File[]
    outputSource: greet/greeting
  total:
    type: File
    outputSource: count/count
steps:
  greet:
    run:
      class: CommandLineTool
      baseCommand: echo
      inputs:
        message:
          type: string
          inputBinding: { position: 1 }
      stdout: greeting.txt
      outputs:
        greeting: { type: stdout }
    scatter: message
    in:
      message: names
    out: [greeting]
  count:
    run:
      class: CommandLineTool
      baseCommand: [wc, -w]
      inputs:
        files:
          type: File[]
          inputBinding: { position: 1 }
      stdout: count.txt
      outputs:
        count: { type: stdout }
    in:
      files: greet/greeting
    out: [count]
