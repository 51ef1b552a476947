"""Celery side of Errand's benchmark: the app the workers run, and the driver bench/run calls per workload.

Configured from the environment (bench/run sets these):
  BENCH_BROKER_URL   amqp://guest:guest@127.0.0.1:5672/<vhost>
  BENCH_RESULT_DB    postgresql://postgres@127.0.0.1:5432/<database>

Settings chosen to give Celery the guarantees Errand has: messages persistent on a quorum queue, publisher confirms,
acknowledged late (after the task ran), prefetch 1 per worker process, every result stored in PostgreSQL.

Workers:  python3 -m celery -A celery_bench worker -Q bench -c 2 ...   (cwd bench/celery)
Driver:   python3 celery_bench.py echo|cpu|client -n N [--up-to U] [--clients 8] [--round R] [--out FILE]
          python3 celery_bench.py init   (creates the result table, before the workers race to)
"""

import argparse
import json
import os
import pickle
import sys
import threading
import time
import uuid
from datetime import timezone

from celery import Celery, Task
from celery.backends.rpc import RPCBackend
from celery.result import ResultSet
from kombu import Queue
from kombu.transport import pyamqp

# Celery 5.2 asks RabbitMQ for a global (per-channel) prefetch, which quorum queues refuse ("does not support global
# qos"). Its worker has one consumer per channel, so a per-consumer prefetch means the same; this is what Celery 5.5's
# worker_detect_quorum_queues does. Debian 12 ships 5.2, hence the patch.
pyamqp.Transport.qos_semantics_matches_spec = lambda self, connection: True

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/")
RESULT_DB = os.environ.get("BENCH_RESULT_DB", "postgresql://postgres@127.0.0.1:5432/postgres")

app = Celery("celery_bench")
app.conf.update(
    broker_url=BROKER_URL,
    result_backend="db+" + RESULT_DB,
    broker_transport_options={"confirm_publish": True},
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_default_queue="bench",
    task_queues=[Queue("bench", durable=True, queue_arguments={"x-queue-type": "quorum"})],
    task_default_delivery_mode="persistent",
    task_create_missing_queues=False,
    worker_send_task_events=False,
    task_send_sent_event=False,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@app.task(name="echo")
def echo(payload):
    return payload


class ReplyQueueTask(Task):
    """A task whose result goes back over the broker, to the reply queue of the thread that sent it: Celery's rpc://
    backend (results as messages on the same broker). The client workload's driver sets rpc:// for its whole app, as
    a user of it would, and this task uses the app's. The workers' app keeps the database backend for the
    burn-downs, so there this task has an rpc:// backend of its own, one per thread as Celery keeps the app's."""

    _per_thread = threading.local()

    @property
    def backend(self):
        if isinstance(self.app.backend, RPCBackend):
            return self.app.backend
        backend = getattr(self._per_thread, "backend", None)
        if backend is None:
            backend = self._per_thread.backend = RPCBackend(app=self.app)
        return backend


@app.task(name="echo-reply", base=ReplyQueueTask)
def echo_reply(payload):
    return payload


@app.task(name="prime-count")
def prime_count(up_to):
    """The number of primes <= up_to: a sieve of Eratosthenes on a bytearray, as a Python developer would write it."""
    return {"count": count_primes(up_to)}


def count_primes(up_to):
    if up_to < 2:
        return 0
    sieve = bytearray([1]) * (up_to + 1)
    sieve[0] = sieve[1] = 0
    for p in range(2, int(up_to ** 0.5) + 1):
        if sieve[p]:
            sieve[p * p::p] = bytes(len(range(p * p, up_to + 1, p)))
    return sieve.count(1)


# ---- driver


def connect():
    import psycopg2
    return psycopg2.connect(RESULT_DB)


def sql(query, args=None, fetch=True):
    with connect() as conn, conn.cursor() as cur:
        cur.execute(query, args)
        return cur.fetchall() if fetch else None


def result_table_exists():
    return sql("select to_regclass('celery_taskmeta') is not null")[0][0]


def decode(raw):
    """celery_taskmeta.result is a pickled (SQLAlchemy PickleType) JSON-encoded result."""
    value = pickle.loads(bytes(raw)) if raw is not None else None
    if isinstance(value, (bytes, str)):
        value = json.loads(value)
    return value


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    index = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 1)) - 1))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["echo", "cpu", "client", "init"])
    parser.add_argument("-n", type=int, default=50000)
    parser.add_argument("--up-to", type=int, default=2000000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--round", default="adhoc")
    parser.add_argument("--out")
    parser.add_argument("--expected-count", type=int, help="the true prime count, checked for cpu")
    args = parser.parse_args()

    app.backend.ResultSession().close()  # creates celery_taskmeta once, before the workers race to
    if args.workload == "init":
        return
    sql("truncate celery_taskmeta", fetch=False)
    if args.workload == "client":
        client_workload(args)
    run = uuid.uuid4().hex[:8]
    expected = {}  # task id -> expected result
    lock = threading.Lock()
    submit_latencies = []
    next_index = [0]
    errors = []

    def client():
        local = []
        try:
            while True:
                with lock:
                    i = next_index[0]
                    if i >= args.n:
                        break
                    next_index[0] += 1
                task_id = str(uuid.uuid4())
                if args.workload == "echo":
                    payload = {"n": i, "run": run}
                    with lock:
                        expected[task_id] = payload
                    sent = time.perf_counter()
                    echo.apply_async(args=[payload], task_id=task_id)
                else:
                    with lock:
                        expected[task_id] = {"count": args.expected_count}
                    sent = time.perf_counter()
                    prime_count.apply_async(args=[args.up_to], task_id=task_id)
                local.append(time.perf_counter() - sent)
        except Exception as e:  # noqa: BLE001 - reported, and the gate fails
            errors.append(repr(e))
        with lock:
            submit_latencies.extend(local)

    start_wall = time.time()
    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submit_seconds = time.perf_counter() - start
    accepted = len(submit_latencies)
    print("  submitted %d of %d tasks in %.1f s (%.0f submits/s) from %d threads%s" % (
        accepted, args.n, submit_seconds, accepted / submit_seconds, args.clients,
        ", errors: %s" % errors[:3] if errors else ""), flush=True)

    # wait for every result row
    timeout = 120 + args.n / 20
    begin = time.monotonic()
    last_done, last_progress, last_report = -1, begin, begin
    done = 0
    while time.monotonic() - begin < timeout:
        done = sql("select count(*) from celery_taskmeta where status in ('SUCCESS', 'FAILURE')")[0][0] \
            if result_table_exists() else 0
        if done >= accepted:
            break
        now = time.monotonic()
        if done != last_done:
            last_done, last_progress = done, now
        elif now - last_progress > 60:
            print("  no task finished for 60 s (%d of %d): giving up" % (done, accepted), flush=True)
            break
        if now - last_report > 10:
            print("  %d of %d finished" % (done, accepted), flush=True)
            last_report = now
        time.sleep(0.2)

    rows = sql("select task_id, status, result, date_done from celery_taskmeta") if result_table_exists() else []
    succeeded = correct = failed = 0
    last_done_at = start_wall
    seen = set()
    for task_id, status, raw, date_done in rows:
        seen.add(task_id)
        if date_done is not None:
            last_done_at = max(last_done_at, date_done.replace(tzinfo=timezone.utc).timestamp())
        if status == "SUCCESS":
            succeeded += 1
            if task_id in expected and decode(raw) == expected[task_id]:
                correct += 1
        elif status == "FAILURE":
            failed += 1
    span = last_done_at - start_wall
    lost = args.n - correct
    passed = lost == 0 and len(rows) == args.n and accepted == args.n and not errors
    submit_latencies.sort()
    result = {
        "system": "celery", "workload": "batch" if args.workload == "echo" else "cpu", "round": args.round,
        "jobs": args.n, "accepted": accepted, "clients": args.clients,
        "submit_seconds": round(submit_seconds, 3), "submit_rate": round(accepted / submit_seconds, 1),
        "submit_p50_ms": round(percentile(submit_latencies, 0.50) * 1000, 3),
        "submit_p95_ms": round(percentile(submit_latencies, 0.95) * 1000, 3),
        "submit_p99_ms": round(percentile(submit_latencies, 0.99) * 1000, 3),
        "throughput": round(correct / span, 1) if span > 0 else 0, "span_s": round(span, 3),
        "rows": len(rows), "succeeded": succeeded, "correct": correct, "failed": failed,
        "errors": len(errors), "lost": lost, "gate": "pass" if passed else "FAIL",
    }
    if args.workload == "cpu":
        result["up_to"] = args.up_to
    finish(args, result, len(rows))


def finish(args, result, rows):
    """Appends the result line, prints the banner of a failed gate; exits with the gate's status."""
    line = json.dumps(result, separators=(",", ":"))
    print("  " + line, flush=True)
    if args.out:
        with open(args.out, "a") as out:
            out.write(line + "\n")
    passed = result["gate"] == "pass"
    if not passed:
        print("\n!!! CORRECTNESS GATE FAILED (celery %s, %s): submitted %d, accepted %d, result rows %d, succeeded %d,"
              " correct results %d, failed %d, client errors %d: lost or wrong %d !!!" % (
                  args.workload, args.round, args.n, result["accepted"], rows, result["succeeded"],
                  result["correct"], result["failed"], result["errors"], result["lost"]), file=sys.stderr, flush=True)
    sys.exit(0 if passed else 1)


def client_workload(args):
    """The client a user would write: each of --clients threads sends its share of echo tasks and collects their
    results from its reply queue (join_native); every result read once and equal to its payload. Throughput: tasks /
    (first submit -> last result received), on the client's clock."""
    # the client threads' backends (Celery makes one per thread, when first asked) are rpc://; the main thread's
    # stays the database one it already made
    app.conf.result_backend = "rpc://"
    run = uuid.uuid4().hex[:8]
    lock = threading.Lock()
    counts = {"accepted": 0, "read": 0, "correct": 0, "failed": 0}
    seen = set()
    errors = []
    last_read = [0.0]
    timeout = 120 + args.n / 20

    def client(first, last):
        try:
            expected = {}
            sent = []
            for i in range(first, last):
                payload = {"n": i, "run": run}
                sent.append(echo_reply.apply_async(args=[payload]))
                expected[sent[-1].id] = payload
            with lock:
                counts["accepted"] += len(sent)

            def read(task_id, value):
                with lock:
                    counts["read"] += 1
                    seen.add(task_id)
                    if isinstance(value, Exception):
                        counts["failed"] += 1
                    elif value == expected.get(task_id):
                        counts["correct"] += 1
                    last_read[0] = max(last_read[0], time.time())

            ResultSet(sent).join_native(timeout=timeout, propagate=False, callback=read)
        except Exception as e:  # noqa: BLE001 - reported, and the gate fails
            errors.append(repr(e))

    share = -(-args.n // args.clients)
    start_wall = time.time()
    threads = [threading.Thread(target=client, args=(k * share, min(args.n, (k + 1) * share)))
               for k in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    span = max(0.0, last_read[0] - start_wall)
    read, correct = counts["read"], counts["correct"]
    lost = args.n - correct
    passed = lost == 0 and read == args.n and len(seen) == args.n and counts["accepted"] == args.n and not errors
    if errors:
        print("  errors: %s" % errors[:3], flush=True)
    result = {
        "system": "celery", "workload": "client", "round": args.round, "jobs": args.n,
        "accepted": counts["accepted"], "clients": args.clients, "backend": "rpc",
        "throughput": round(correct / span, 1) if span > 0 else 0, "span_s": round(span, 3),
        "results_read": read, "distinct": len(seen), "succeeded": read - counts["failed"], "correct": correct,
        "failed": counts["failed"], "errors": len(errors), "lost": lost, "gate": "pass" if passed else "FAIL",
    }
    finish(args, result, read)


if __name__ == "__main__":
    main()
