package errand.api.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import errand.api.FieldError;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The jobs side of schedules: a schedule's job is checked by the submit's own rules ({@link SubmitRequestParser}),
 * and goes out through the outbox like a submitted one: its row is inserted unpublished in the caller's transaction
 * (the one that advances the schedule), and the relay publishes it once the caller has woken it after the commit.
 */
@Component
public class ScheduledJobs {

    private final SubmitRequestParser parser;
    private final JobStore store;
    private final RequestTrace trace;
    private final MeterRegistry registry;

    ScheduledJobs(SubmitRequestParser parser, JobStore store, RequestTrace trace, MeterRegistry registry) {
        this.parser = parser;
        this.store = store;
        this.trace = trace;
        this.registry = registry;
    }

    /**
     * The template of {@code job} as a submit of {@code tenant} would accept it; {@code errors} collects every rule
     * it breaks, with pointers relative to the job object.
     */
    public Optional<JobTemplate> template(String tenant, JsonNode job, List<FieldError> errors) {
        if (job.isObject() && job.has("delay")) {
            errors.add(new FieldError("/delay", "unknown", "is not a field of a schedule's job: it starts at its "
                    + "fire time"));
        }
        return parser.parse(tenant, job, null, Instant.now(), "", errors).filter(parsed -> errors.isEmpty())
                .map(parsed -> new JobTemplate(parsed.type(), parsed.payload(), parsed.timeout(),
                        parsed.maxAttempts()));
    }

    /**
     * A job to insert for a schedule's fire time (or its trigger).
     *
     * @param scheduledFor the fire time, or the time of the trigger
     */
    public record ScheduledJob(String tenant, JobTemplate template, UUID jobId, UUID scheduleId,
            Instant scheduledFor) {
    }

    /**
     * Inserts the jobs, due at once, in the caller's transaction, in as few statements as the store batches them;
     * each in a new trace of its own, since no request started it.
     */
    public void insertAll(List<ScheduledJob> scheduled, Instant now) {
        List<NewJob> rows = scheduled.stream().map(job -> new NewJob(job.tenant(), job.jobId(),
                job.template().type(), job.template().payload(), job.template().maxAttempts(),
                job.template().timeout(), now, now, null, null, trace.traceparent(), null, null, job.scheduleId(),
                job.scheduledFor())).toList();
        store.insertAll(rows);
        JobSubmission.countSubmitted(registry, rows);
    }
}
