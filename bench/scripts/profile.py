"""Summarises the JFR recordings of `bench/run --profile` as Markdown (bench/run calls it):

    python3 bench/profile.py --jfr $JAVA_HOME/bin/jfr bench/results/<time>/profile

Per recording: where the CPU samples fall (by the innermost Errand method on the stack, by the library of the
innermost frame, and the hottest leaf methods), the threads that burn the CPU, and JFR's own views of lock
contention and GC. Streams `jfr print`, so a long recording does not need to fit in memory.
"""

import argparse
import collections
import glob
import os
import re
import subprocess

LIBRARIES = [  # (prefix of the innermost frame, name)
    ("org.postgresql.", "PostgreSQL JDBC driver"),
    ("com.zaxxer.hikari.", "Hikari pool"),
    ("com.rabbitmq.", "RabbitMQ client"),
    ("org.springframework.amqp.", "Spring AMQP"),
    ("tools.jackson.", "Jackson"),
    ("com.fasterxml.jackson.", "Jackson"),
    ("com.networknt.", "JSON Schema validator"),
    ("org.apache.catalina.", "Tomcat"),
    ("org.apache.coyote.", "Tomcat"),
    ("org.apache.tomcat.", "Tomcat"),
    ("org.springframework.", "Spring"),
    ("ch.qos.logback.", "Logback"),
    ("org.slf4j.", "Logback"),
    ("io.micrometer.", "Micrometer"),
    ("io.opentelemetry.", "OpenTelemetry"),
    ("errand.", "Errand"),
    ("sun.nio.", "JDK I/O"),
    ("java.net.", "JDK I/O"),
    ("sun.security.", "JDK crypto"),
    ("java.util.zip.", "JDK zip"),
    ("java.", "JDK"),
    ("jdk.", "JDK"),
    ("sun.", "JDK"),
]

FRAME = re.compile(r"^\s+([\w.$<>]+)\.([\w$<>]+)\((.*?)\)(?:\s+line:\s*\d+)?")


def library(frame):
    for prefix, name in LIBRARIES:
        if frame.startswith(prefix):
            return name
    return "other"


def samples(jfr, path):
    """Yields (thread, [frames innermost first]) for each jdk.ExecutionSample."""
    process = subprocess.Popen([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                               stdout=subprocess.PIPE, text=True, errors="replace")
    thread, frames, in_stack = None, [], False
    for line in process.stdout:
        if line.startswith("jdk.ExecutionSample"):
            thread, frames, in_stack = None, [], False
        elif "sampledThread = " in line:
            match = re.search(r'sampledThread = "(.*?)"', line)
            thread = match.group(1) if match else "?"
        elif "stackTrace = [" in line:
            in_stack = True
        elif in_stack and line.strip() == "]":
            in_stack = False
        elif in_stack:
            match = FRAME.match(line)
            if match:
                frames.append(match.group(1) + "." + match.group(2))
        elif line.startswith("}"):
            yield thread or "?", frames
    process.wait()


def thread_group(name):
    """Folds numbered threads together: http-nio-8080-exec-12 -> http-nio-8080-exec-N."""
    return re.sub(r"\d+", "N", name)


def top(counter, total, n):
    return [(key, count, 100.0 * count / total) for key, count in counter.most_common(n)]


def view(jfr, name, path, lines=25):
    try:
        out = subprocess.run([jfr, "view", "--width", "160", name, path], capture_output=True, text=True,
                             timeout=300).stdout
    except subprocess.TimeoutExpired:
        return "(timed out)"
    return "\n".join(out.strip().splitlines()[:lines])


def summarize(jfr, path):
    leaf, errand_frame, libraries, threads = (collections.Counter() for _ in range(4))
    total = 0
    for thread, frames in samples(jfr, path):
        if not frames:
            continue
        total += 1
        leaf[frames[0]] += 1
        libraries[library(frames[0])] += 1
        threads[thread_group(thread)] += 1
        errand = next((f for f in frames if f.startswith("errand.")), None)
        errand_frame[errand or "(no Errand frame: framework/JDK thread)"] += 1
    out = ["### %s: %d CPU samples" % (os.path.basename(path), total), ""]
    if total == 0:
        return "\n".join(out + ["(no samples)", ""])
    out.append("| innermost Errand method on the stack (inclusive) | samples | share |")
    out.append("|---|---|---|")
    out += ["| `%s` | %d | %.1f%% |" % row for row in top(errand_frame, total, 12)]
    out.append("")
    out.append("| library of the innermost frame (self time) | samples | share |")
    out.append("|---|---|---|")
    out += ["| %s | %d | %.1f%% |" % row for row in top(libraries, total, 12)]
    out.append("")
    out.append("| hottest leaf methods | samples | share |")
    out.append("|---|---|---|")
    out += ["| `%s` | %d | %.1f%% |" % row for row in top(leaf, total, 12)]
    out.append("")
    out.append("| threads (numbers folded) | samples | share |")
    out.append("|---|---|---|")
    out += ["| `%s` | %d | %.1f%% |" % row for row in top(threads, total, 10)]
    out.append("")
    for name in ("contention-by-site", "gc", "cpu-load"):
        out.append("<details><summary>jfr view %s</summary>" % name)
        out.append("")
        out.append("```")
        out.append(view(jfr, name, path))
        out.append("```")
        out.append("</details>")
        out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jfr", default="jfr")
    parser.add_argument("folder")
    args = parser.parse_args()
    recordings = sorted(glob.glob(os.path.join(args.folder, "*.jfr")))
    print("CPU samples of the whole run (warm-up and all workloads) from JFR's `profile` settings.\n")
    for path in recordings:
        print(summarize(args.jfr, path))


if __name__ == "__main__":
    main()
