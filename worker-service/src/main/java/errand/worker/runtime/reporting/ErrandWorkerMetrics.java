package errand.worker.runtime.reporting;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import errand.worker.runtime.executing.AttemptResult;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.runtime.registry.ServedTasks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The worker's metrics. Names and tags are declared here, once: they are a contract with the dashboards and alerts.
 * All tags are low-cardinality (task type, outcome, reason); nothing is ever tagged by job id.
 */
public final class ErrandWorkerMetrics {

    /** Counter: attempts that ended, by {@link #TYPE} and {@link #OUTCOME}. */
    static final String JOBS_EXECUTED = "errand.worker.jobs.executed";

    /** Timer with a percentile histogram: how long attempts ran, by {@link #TYPE} and {@link #OUTCOME}. */
    static final String EXECUTION = "errand.worker.execution";

    /** Gauge: jobs running right now, their delivery held or leased, by {@link #TYPE}. */
    static final String IN_FLIGHT = "errand.worker.in.flight";

    /** Gauge: jobs running right now under a lease (their delivery acknowledged), by {@link #TYPE}. */
    static final String LEASED = "errand.worker.leased";

    /** Gauge: how many jobs of a {@link #TYPE} this worker runs at once. */
    static final String CONCURRENCY = "errand.worker.concurrency";

    /** Counter: deliveries rejected, by {@link #TYPE} and {@link #REASON} ({@code poison}, {@code unconfirmed}). */
    static final String DELIVERIES_REJECTED = "errand.worker.deliveries.rejected";

    /** Tag: the task type. */
    static final String TYPE = "type";

    /** Tag: succeeded, failed, timeout, cancelled or interrupted. */
    static final String OUTCOME = "outcome";

    /** Tag: why a delivery was rejected. */
    static final String REASON = "reason";

    /** Every {@link #OUTCOME}: the {@link AttemptResult#outcome()} values. */
    static final List<String> OUTCOMES = List.of("succeeded", "failed", "timeout", "cancelled", "interrupted");

    /** {@link #REASON}: a delivery that is not a job message of its queue's type, dead-lettered. */
    public static final String POISON = "poison";

    /** {@link #REASON}: the broker did not confirm what was published for the job in time; requeued. */
    public static final String UNCONFIRMED = "unconfirmed";

    static final List<String> REASONS = List.of(POISON, UNCONFIRMED);

    private final MeterRegistry registry;

    /** The meters of each type and outcome, built once: building them looks them up in the registry every time. */
    private final Map<TypeAndOutcome, ExecutionMeters> executions = new ConcurrentHashMap<>();

    private record TypeAndOutcome(String type, String outcome) {
    }

    private record ExecutionMeters(Counter count, Timer duration) {
    }

    public ErrandWorkerMetrics(MeterRegistry registry, ServedTasks served, RunningJobs running) {
        this.registry = registry;
        for (ServedTasks.ServedTask task : served.all()) {
            Gauge.builder(IN_FLIGHT, running, jobs -> jobs.held(task.name()))
                    .description("Jobs this worker runs, their delivery held or leased")
                    .tag(TYPE, task.name())
                    .register(registry);
            Gauge.builder(LEASED, running, jobs -> jobs.leased(task.name()))
                    .description("Jobs this worker runs under a lease")
                    .tag(TYPE, task.name())
                    .register(registry);
            Gauge.builder(CONCURRENCY, task, ServedTasks.ServedTask::concurrency)
                    .description("Jobs of the type this worker runs at once")
                    .tag(TYPE, task.name())
                    .register(registry);
            // Every series exists from the start, at 0: a dashboard or alert (rate, absent) reads a fresh worker
            // as "nothing happened yet" instead of "no data".
            for (String outcome : OUTCOMES) {
                executions.computeIfAbsent(new TypeAndOutcome(task.name(), outcome), this::executionMeters);
            }
            for (String reason : REASONS) {
                rejectedCounter(task.name(), reason);
            }
        }
    }

    public void executed(String type, String outcome, Duration duration) {
        ExecutionMeters meters = executions.computeIfAbsent(new TypeAndOutcome(type, outcome), this::executionMeters);
        meters.count().increment();
        meters.duration().record(duration);
    }

    private ExecutionMeters executionMeters(TypeAndOutcome key) {
        return new ExecutionMeters(
                executedCounter(key.type(), key.outcome()),
                Timer.builder(EXECUTION)
                        .description("How long job attempts ran")
                        .tags(TYPE, key.type(), OUTCOME, key.outcome())
                        .publishPercentileHistogram()
                        .register(registry));
    }

    private Counter executedCounter(String type, String outcome) {
        return Counter.builder(JOBS_EXECUTED)
                .description("Job attempts that ended")
                .tags(TYPE, type, OUTCOME, outcome)
                .register(registry);
    }

    /** @param reason {@link #POISON} or {@link #UNCONFIRMED} */
    public void rejected(String type, String reason) {
        rejectedCounter(type, reason).increment();
    }

    private Counter rejectedCounter(String type, String reason) {
        return Counter.builder(DELIVERIES_REJECTED)
                .description("Job deliveries rejected back to the broker")
                .tags(TYPE, type, REASON, reason)
                .register(registry);
    }
}
