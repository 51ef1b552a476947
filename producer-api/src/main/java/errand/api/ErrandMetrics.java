package errand.api;

import java.time.Duration;

import io.micrometer.core.instrument.Timer;

/**
 * Every metric name the API exports, declared once: the Grafana dashboards and alert rules query these, and a test
 * checks that each one they use exists. Prometheus shows dots as underscores and adds {@code _total},
 * {@code _seconds_bucket} and the like. Tags are low-cardinality only (task type, status, outcome), never a job id.
 */
public final class ErrandMetrics {

    /** Counter {type}: jobs accepted by the API. */
    public static final String JOBS_SUBMITTED = "errand.jobs.submitted";

    /** Counter {type, status}: jobs that reached a terminal status (SUCCEEDED, FAILED, CANCELLED). */
    public static final String JOBS_COMPLETED = "errand.jobs.completed";

    /** Counter {type}: failed attempts that were scheduled for another attempt. */
    public static final String JOBS_RETRIED = "errand.jobs.retried";

    /** Counter {type}: jobs requeued (or failed) because the lease of their running attempt lapsed. */
    public static final String JOBS_RESCUED = "errand.jobs.rescued";

    /** Terminal jobs deleted by retention; tagged {@link #TAG_STATUS}. */
    public static final String JOBS_DELETED = "errand.jobs.deleted";

    /** Timer {type, status}: from acceptance to terminal status. */
    public static final String JOB_LATENCY = "errand.job.latency";

    /** Timer {type}: from acceptance to the start of the first attempt. */
    public static final String JOB_QUEUE_WAIT = "errand.job.queue.wait";

    /** Gauge {status}: jobs not yet terminal, by status. */
    public static final String JOBS_UNFINISHED = "errand.jobs.unfinished";

    /** Gauge: accepted jobs that are due but the broker has not confirmed yet (the outbox backlog). */
    public static final String OUTBOX_PENDING = "errand.outbox.pending";

    /** Counter: jobs published to the broker and confirmed. */
    public static final String OUTBOX_PUBLISHED = "errand.outbox.published";

    /** Counter: job publishes the broker did not confirm (they stay in the outbox and are retried). */
    public static final String OUTBOX_PUBLISH_FAILURES = "errand.outbox.publish.failures";

    /** Timer: one relay round's wait for its publisher confirms. */
    public static final String OUTBOX_CONFIRM = "errand.outbox.confirm";

    /** Counter {event}: worker events that changed a job; duplicates and stale ones are not counted. */
    public static final String RESULTS_APPLIED = "errand.results.applied";

    /** Counter: worker events received from the reply queue. */
    public static final String RESULTS_RECEIVED = "errand.results.received";

    /** Timer: from a worker event's time to its commit in the job store (reply-queue lag). */
    public static final String RESULTS_LAG = "errand.results.lag";

    /** Gauge {type}: live workers serving a task type. */
    public static final String WORKERS_LIVE = "errand.workers.live";

    /** Counter: jobs schedules enqueued for their fire times (a trigger is not counted). */
    public static final String SCHEDULES_FIRED = "errand.schedules.fired";

    /** Counter {reason}: fire times that enqueued nothing: OVERLAP, MISSED or PAUSED. */
    public static final String SCHEDULES_SKIPPED = "errand.schedules.skipped";

    /** Timer: from a fire time to the commit of its job (how late schedules fire). */
    public static final String SCHEDULES_LATENESS = "errand.schedules.lateness";

    public static final String TAG_TYPE = "type";
    public static final String TAG_STATUS = "status";
    public static final String TAG_EVENT = "event";
    public static final String TAG_REASON = "reason";

    /** Jobs may wait and run for hours: the histogram buckets of the job timers must reach that far. */
    private static final Duration LONGEST = Duration.ofHours(6);

    private ErrandMetrics() {
    }

    /**
     * The one way a job timer ({@link #JOB_LATENCY}, {@link #JOB_QUEUE_WAIT}, {@link #RESULTS_LAG}) is built: a
     * meter registered first at start ({@link TypeMeters}) keeps its settings, so every registration must agree.
     */
    public static Timer.Builder jobTimer(String name) {
        return Timer.builder(name).publishPercentileHistogram().maximumExpectedValue(LONGEST);
    }
}
