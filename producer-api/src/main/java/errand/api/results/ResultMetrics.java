package errand.api.results;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import errand.api.ErrandMetrics;
import errand.model.JobEvent;
import errand.model.JobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Turns applied worker events into job metrics: completions, retries, latency and queue wait per type. Events do
 * not carry the task type or the acceptance time: {@link EventApplier} reads them with the batch's row locks.
 */
@Component
class ResultMetrics {

    private final MeterRegistry registry;
    private final Counter received;

    ResultMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.received = registry.counter(ErrandMetrics.RESULTS_RECEIVED);
        // every series from the start, at 0, so dashboards and alerts have them before the first event
        for (String kind : List.of("started", "progress", "leased", "succeeded", "failed")) {
            registry.counter(ErrandMetrics.RESULTS_APPLIED, ErrandMetrics.TAG_EVENT, kind);
        }
        timer(ErrandMetrics.RESULTS_LAG, null, null);
    }

    void received(int events) {
        received.increment(events);
    }

    void applied(EventApplier.Applied applied) {
        Instant now = Instant.now();
        for (JobEvent event : applied.changed()) {
            String kind = kindOf(event);
            registry.counter(ErrandMetrics.RESULTS_APPLIED, ErrandMetrics.TAG_EVENT, kind).increment();
            timer(ErrandMetrics.RESULTS_LAG, null, null).record(nonNegative(Duration.between(event.at(), now)));
            EventApplier.JobFacts job = applied.jobs().get(event.jobId());
            if (job == null) {
                continue;
            }
            switch (event) {
                case JobEvent.Started started -> { }
                case JobEvent.Progress progress -> { }
                case JobEvent.Leased leased -> { }
                case JobEvent.Succeeded succeeded -> {
                    firstAttemptEnded(job, succeeded.attempt(), succeeded.startedAt());
                    completed(job, JobStatus.SUCCEEDED, succeeded.at());
                }
                case JobEvent.Failed failed when failed.willRetry() -> {
                    firstAttemptEnded(job, failed.attempt(), failed.startedAt());
                    registry.counter(ErrandMetrics.JOBS_RETRIED, ErrandMetrics.TAG_TYPE, job.type()).increment();
                }
                case JobEvent.Failed failed -> {
                    firstAttemptEnded(job, failed.attempt(), failed.startedAt());
                    completed(job, JobStatus.FAILED, failed.at());
                }
            }
        }
    }

    /**
     * Queue wait is taken from the first attempt's outcome, which carries its start: a short attempt reports no
     * {@code started} event at all (the worker's {@code started-report-delay}).
     */
    private void firstAttemptEnded(EventApplier.JobFacts job, int attempt, Instant startedAt) {
        if (attempt == 1) {
            timer(ErrandMetrics.JOB_QUEUE_WAIT, job.type(), null).record(
                    nonNegative(Duration.between(job.createdAt(), startedAt)));
        }
    }

    private void completed(EventApplier.JobFacts job, JobStatus status, Instant finishedAt) {
        registry.counter(ErrandMetrics.JOBS_COMPLETED, ErrandMetrics.TAG_TYPE, job.type(), ErrandMetrics.TAG_STATUS,
                status.name()).increment();
        timer(ErrandMetrics.JOB_LATENCY, job.type(), status).record(
                nonNegative(Duration.between(job.createdAt(), finishedAt)));
    }

    private Timer timer(String name, @Nullable String type, @Nullable JobStatus status) {
        Timer.Builder builder = ErrandMetrics.jobTimer(name);
        if (type != null) {
            builder.tag(ErrandMetrics.TAG_TYPE, type);
        }
        if (status != null) {
            builder.tag(ErrandMetrics.TAG_STATUS, status.name());
        }
        return builder.register(registry);
    }

    private static String kindOf(JobEvent event) {
        return switch (event) {
            case JobEvent.Started started -> "started";
            case JobEvent.Progress progress -> "progress";
            case JobEvent.Leased leased -> "leased";
            case JobEvent.Succeeded succeeded -> "succeeded";
            case JobEvent.Failed failed -> "failed";
        };
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
