package errand.api.schedules;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

import errand.api.jobs.JobTemplate;
import org.jspecify.annotations.Nullable;

/**
 * A schedule as the store holds it.
 *
 * @param nextFireAt the next fire time not yet handled: due once it has passed
 * @param lastJobId  the newest job it enqueued, which {@link Overlap#SKIP} waits for
 */
record Schedule(UUID id, String tenant, ScheduleSpec spec, Instant nextFireAt, @Nullable UUID lastJobId,
        Instant createdAt, Instant updatedAt) {

    /** What a fire time does while the schedule's previous job is unfinished. */
    enum Overlap {
        /** Enqueues nothing and records the fire time as skipped. */
        SKIP,
        /** Enqueues regardless. */
        ALLOW
    }

    /** What becomes of fire times that passed while no API instance ran. */
    enum Missed {
        /** The latest of them fires, if it is within the catch-up window; the others are recorded as skipped. */
        LATEST,
        /** Each is recorded as skipped. */
        NONE
    }

    /** What became of one fire time. */
    enum Outcome {
        ENQUEUED,
        SKIPPED_OVERLAP,
        SKIPPED_MISSED,
        SKIPPED_PAUSED
    }

    /**
     * What a client sets: the whole of a create or a replace.
     *
     * @param cron as the client wrote it, parsed in {@link #plan()}
     */
    record ScheduleSpec(String name, String cron, ZoneId timeZone, JobTemplate job, Overlap overlap, Missed missed,
            boolean paused) {

        Cron plan() {
            return Cron.parse(cron);
        }
    }
}
