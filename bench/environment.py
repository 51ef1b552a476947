"""Records the machine and the versions of everything bench/run measures, as JSON (bench/run calls it)."""

import argparse
import base64
import glob
import json
import os
import platform
import re
import subprocess
import urllib.request
import zipfile


def run(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:  # noqa: BLE001 - a missing tool is a missing line, not a failed run
        return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--java", required=True)
    parser.add_argument("--api-jar")
    parser.add_argument("--perftest-dir")
    parser.add_argument("--management", default="http://127.0.0.1:15672")
    args = parser.parse_args()

    env = {}
    meminfo = open("/proc/meminfo").read()
    cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
    env["machine"] = {
        "cores": os.cpu_count(),
        "memory_gib": round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1048576, 1),
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "kernel": platform.release(),
        "os": run("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "load_average_at_start": open("/proc/loadavg").read().split()[:3],
    }
    versions = {}
    java = run(args.java, "-version") or subprocess.run([args.java, "-version"], capture_output=True,
                                                         text=True).stderr
    versions["java"] = java.splitlines()[0] if java else "?"
    versions["errand"] = run("git", "describe", "--always", "--dirty")
    if args.api_jar and os.path.exists(args.api_jar):
        with zipfile.ZipFile(args.api_jar) as jar:
            manifest = jar.read("META-INF/MANIFEST.MF").decode()
        boot = re.search(r"Spring-Boot-Version: (\S+)", manifest)
        versions["spring_boot"] = boot.group(1) if boot else "?"
    try:
        request = urllib.request.Request(args.management + "/api/overview")
        request.add_header("Authorization", "Basic " + base64.b64encode(b"guest:guest").decode())
        overview = json.load(urllib.request.urlopen(request, timeout=10))
        versions["rabbitmq"] = overview.get("rabbitmq_version")
        versions["erlang"] = overview.get("erlang_version")
    except Exception:  # noqa: BLE001
        versions["rabbitmq"] = "?"
    versions["postgresql"] = run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qtAX", "-c",
                                 "show server_version")
    settings = run("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qtAX", "-c",
                   "select string_agg(name || '=' || setting, ', ' order by name) from pg_settings where name in "
                   "('synchronous_commit', 'fsync', 'wal_sync_method', 'shared_buffers', 'max_connections')")
    env["postgresql_settings"] = settings
    if args.perftest_dir:
        for pattern, key in (("perf-test-*.jar", "perftest"), ("amqp-client-*.jar", "perftest_amqp_client")):
            found = glob.glob(os.path.join(args.perftest_dir, pattern))
            if found:
                versions[key] = re.search(r"-(\d[\w.\-]*)\.jar$", os.path.basename(found[0])).group(1)
    versions["python"] = platform.python_version()
    for module in ("celery", "kombu", "amqp", "billiard", "sqlalchemy", "psycopg2", "matplotlib"):
        try:
            versions[module] = __import__(module).__version__.split(" ")[0]
        except Exception:  # noqa: BLE001
            versions[module] = "not installed"
    env["versions"] = versions
    json.dump(env, open(args.out, "w"), indent=2)
    print(json.dumps(env))


if __name__ == "__main__":
    main()
