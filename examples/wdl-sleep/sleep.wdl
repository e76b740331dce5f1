version 1.0

workflow sleeper {
  input {
    Int seconds
  }
  call nap { input: seconds = seconds }
  output {
    File slept = nap.out
  }
}

task nap {
  input {
    Int seconds
  }
  command <<<
    sleep ~{seconds}
    echo "slept ~{seconds} s" > slept.txt
  >>>
  output {
    File out = "slept.txt"
  }
}
