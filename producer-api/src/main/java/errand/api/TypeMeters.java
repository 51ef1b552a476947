package errand.api;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import errand.model.JobStatus;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Registers every per-type API series, at 0, as soon as the API knows a task type (announced by a worker, or stored
 * from before a restart): a dashboard or alert on a fresh platform then reads "nothing happened yet" rather than "no
 * data", and {@code increase(errand_jobs_rescued_total[…])} has a series to start from before the first rescue. The
 * meters are the ones the code that counts later looks up, so they must be built the same way (timers through
 * {@link ErrandMetrics#jobTimer}). Thread-safe; registering a type twice does nothing.
 */
@Component
public class TypeMeters {

    /** The statuses {@link ErrandMetrics#JOBS_COMPLETED} counts. */
    private static final List<JobStatus> TERMINAL = List.of(JobStatus.SUCCEEDED, JobStatus.FAILED,
            JobStatus.CANCELLED);

    /** The statuses {@link ErrandMetrics#JOB_LATENCY} is recorded for (from a worker's final report). */
    private static final List<JobStatus> REPORTED = List.of(JobStatus.SUCCEEDED, JobStatus.FAILED);

    private final MeterRegistry registry;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    TypeMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public void register(String type) {
        if (!registered.add(type)) {
            return;
        }
        registry.counter(ErrandMetrics.JOBS_SUBMITTED, ErrandMetrics.TAG_TYPE, type);
        registry.counter(ErrandMetrics.JOBS_RETRIED, ErrandMetrics.TAG_TYPE, type);
        registry.counter(ErrandMetrics.JOBS_RESCUED, ErrandMetrics.TAG_TYPE, type);
        for (JobStatus status : TERMINAL) {
            registry.counter(ErrandMetrics.JOBS_COMPLETED, ErrandMetrics.TAG_TYPE, type, ErrandMetrics.TAG_STATUS,
                    status.name());
        }
        for (JobStatus status : REPORTED) {
            ErrandMetrics.jobTimer(ErrandMetrics.JOB_LATENCY).tag(ErrandMetrics.TAG_TYPE, type)
                    .tag(ErrandMetrics.TAG_STATUS, status.name()).register(registry);
        }
        ErrandMetrics.jobTimer(ErrandMetrics.JOB_QUEUE_WAIT).tag(ErrandMetrics.TAG_TYPE, type).register(registry);
    }
}
