version 1.0

workflow count_lines {
  input {
    File words
    Array[String] prefixes = ["a", "b", "c"]
  }
  scatter (p in prefixes) {
    call tag { input: words = words, prefix = p }
  }
  call join { input: parts = tag.out }
  output {
    File joined = join.out
    Array[Int] counts = tag.n
  }
}

task tag {
  input {
    File words
    String prefix
  }
  command <<<
    sed 's/^/~{prefix}:/' ~{words} > tagged.txt
    echo "tagging ~{prefix}" >&2
  >>>
  output {
    File out = "tagged.txt"
    Int n = length(read_lines("tagged.txt"))
  }
}

task join {
  input {
    Array[File] parts
  }
  command <<<
    cat ~{sep=" " parts} > joined.txt
  >>>
  output {
    File out = "joined.txt"
  }
}
