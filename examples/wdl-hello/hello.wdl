version 1.1

# WDL 1.1: a task's outputs and a workflow's, with a 1.1 standard library function (sep).
workflow hello {
  input {
    String name
    Array[String] greetings = ["Hello", "Hi"]
  }
  call greet { input: name = name, greetings = greetings }
  output {
    File greeting = greet.out
    String joined = sep(",", greetings)
  }
}

task greet {
  input {
    String name
    Array[String] greetings
  }
  command <<<
    for g in ~{sep(" ", greetings)}; do echo "$g, ~{name}"; done > greeting.txt
  >>>
  output {
    File out = "greeting.txt"
  }
}
