package errand.api.schedules;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import errand.api.dispatch.OutboxSignal;
import errand.api.jobs.JobIds;
import errand.api.jobs.ScheduledJobs;
import errand.api.schedules.Schedule.ScheduleSpec;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Managing a tenant's schedules. A change takes effect from the next fire time on every instance: firing reads the
 * schedule in the transaction that claims it, and a change waits for a fire in progress to commit.
 */
@Service
class Schedules {

    private final ScheduleStore store;
    private final ScheduleRequestParser parser;
    private final ScheduledJobs jobs;
    private final TransactionTemplate transactions;
    private final OutboxSignal relay;
    private final Clock clock;

    Schedules(ScheduleStore store, ScheduleRequestParser parser, ScheduledJobs jobs,
            TransactionTemplate transactions, OutboxSignal relay, Clock clock) {
        this.store = store;
        this.parser = parser;
        this.jobs = jobs;
        this.transactions = transactions;
        this.relay = relay;
        this.clock = clock;
    }

    Schedule create(String tenant, JsonNode request) {
        Instant now = now();
        ScheduleSpec spec = parser.parse(tenant, request, now);
        Schedule schedule = new Schedule(UUID.randomUUID(), tenant, spec, firstFireAfter(spec, now), null, now, now);
        store.insert(schedule);
        return schedule;
    }

    Schedule get(String tenant, UUID id) {
        return store.find(tenant, id).orElseThrow(() -> new ScheduleNotFound(id.toString()));
    }

    List<Schedule> page(String tenant, int limit, @Nullable UUID after) {
        return store.page(tenant, limit, after);
    }

    /** Replaces what the client set; the plan starts again from now, so no fire time passed before is made up. */
    Schedule replace(String tenant, UUID id, JsonNode request) {
        Instant now = now();
        ScheduleSpec spec = parser.parse(tenant, request, now);
        if (!store.replace(tenant, id, spec, firstFireAfter(spec, now), now)) {
            throw new ScheduleNotFound(id.toString());
        }
        return get(tenant, id);
    }

    void delete(String tenant, UUID id) {
        if (!store.delete(tenant, id)) {
            throw new ScheduleNotFound(id.toString());
        }
    }

    /** Pauses or resumes; the fire times that pass while paused are recorded as {@code SKIPPED_PAUSED}. */
    Schedule setPaused(String tenant, UUID id, boolean paused) {
        if (!store.setPaused(tenant, id, paused, now())) {
            throw new ScheduleNotFound(id.toString());
        }
        return get(tenant, id);
    }

    /**
     * Enqueues the schedule's job now, besides the plan and whatever its overlap says; recorded as a run at this
     * time, marked as triggered.
     *
     * @return the job's id
     */
    UUID trigger(String tenant, UUID id) {
        UUID jobId = JobIds.newId();
        transactions.executeWithoutResult(tx -> {
            Schedule schedule = store.lock(tenant, id).orElseThrow(() -> new ScheduleNotFound(id.toString()));
            Instant now = now();
            store.recordRuns(List.of(new ScheduleStore.NewRun(id, now, Schedule.Outcome.ENQUEUED, jobId, true)), now);
            jobs.insertAll(List.of(new ScheduledJobs.ScheduledJob(tenant, schedule.spec().job(), jobId, id, now)),
                    now);
            store.advanceAll(List.of(new ScheduleStore.Advance(id, schedule.nextFireAt(), jobId)));
        });
        relay.wakeUp();
        return jobId;
    }

    List<ScheduleStore.Run> runs(String tenant, UUID id, int limit, @Nullable Instant before) {
        get(tenant, id);
        return store.runs(id, limit, before);
    }

    private static Instant firstFireAfter(ScheduleSpec spec, Instant now) {
        // the parser refused a cron that never fires
        return spec.plan().nextAfter(now, spec.timeZone()).orElse(FirePlan.NEVER);
    }

    /** PostgreSQL keeps microseconds: a time must read back as written. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** 404: no such schedule for this tenant. */
    static final class ScheduleNotFound extends RuntimeException {

        ScheduleNotFound(String id) {
            super("No schedule has the id " + id);
        }
    }
}
