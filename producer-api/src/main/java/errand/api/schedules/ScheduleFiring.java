package errand.api.schedules;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.api.dispatch.OutboxSignal;
import errand.api.jobs.JobIds;
import errand.api.jobs.ScheduledJobs;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires the due schedules, on every API instance at once: no scheduler process, and losing any instance loses
 * nothing. Each round claims due schedules with {@code SKIP LOCKED} (so instances share them and never wait on each
 * other), and in the same transaction records that this instance is sweeping (so a fire time the instances were
 * only late for is not taken for missed) and each passed fire time ({@link FirePlan}), inserts the job of each one
 * that fires (unpublished: its own outbox entry) and advances the schedules, a statement each for the whole batch. A
 * crash before the commit leaves everything as it was for the next round, on any instance; after it, nothing is
 * fired again: the schedule has moved on, and a fire time's row refuses a second job. The relay is woken after the
 * commit.
 *
 * <p><b>Thread:</b> the schedules chore's. A database error ends the round; the next one tries again.
 */
@Component
class ScheduleFiring {

    private final ScheduleStore store;
    private final ScheduledJobs jobs;
    private final TransactionTemplate transactions;
    private final OutboxSignal relay;
    private final SchedulesProperties properties;
    private final ScheduleMetrics metrics;
    private final Clock clock;
    /** This instance in {@code schedule_sweeps}. */
    private final UUID instance = UUID.randomUUID();

    ScheduleFiring(ScheduleStore store, ScheduledJobs jobs, TransactionTemplate transactions, OutboxSignal relay,
            SchedulesProperties properties, ScheduleMetrics metrics, Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.transactions = transactions;
        this.relay = relay;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Fires everything due, a batch of schedules per transaction, until nothing is due. */
    void fireDue() {
        FirePlan.@Nullable Outage lastOutage = transactions.execute(tx -> startSweep());
        int claimed;
        do {
            List<ScheduleStore.NewRun> recorded = new ArrayList<>();
            Integer count = transactions.execute(tx -> fireBatch(recorded, lastOutage));
            claimed = count == null ? 0 : count;
            Instant committedAt = clock.instant();
            if (recorded.stream().anyMatch(run -> run.jobId() != null)) {
                relay.wakeUp();
            }
            recorded.forEach(run -> metrics.record(run.outcome(), run.scheduledFor(), committedAt));
        } while (claimed == properties.claimBatchSize());
    }

    /**
     * Records this sweep and, if no instance swept within {@code missed-after} before it, the outage that ends here;
     * answers the latest outage. Read once per sweep: this sweep's own batches must not look like another instance.
     */
    private FirePlan.@Nullable Outage startSweep() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant lastSweep = store.lastSweep();
        if (lastSweep == null || lastSweep.isBefore(now.minus(properties.missedAfter()))) {
            store.recordOutage(new FirePlan.Outage(lastSweep, now));
        }
        store.recordSweep(instance, now);
        return store.lastOutage();
    }

    private int fireBatch(List<ScheduleStore.NewRun> recorded, FirePlan.@Nullable Outage lastOutage) {
        // PostgreSQL keeps microseconds: a fire time must read back as written to hit its run's key
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // a long sweep shows the other instances that this one is alive, batch after batch
        store.recordSweep(instance, now);
        List<ScheduleStore.Due> due = store.claimDue(now, properties.claimBatchSize());
        List<ScheduleStore.NewRun> planned = new ArrayList<>();
        Map<UUID, Schedule> schedules = new HashMap<>();
        Map<UUID, Instant> nextFireAt = new HashMap<>();
        for (ScheduleStore.Due claimed : due) {
            Schedule schedule = claimed.schedule();
            FirePlan plan = FirePlan.of(schedule, claimed.lastJobUnfinished(), now, lastOutage,
                    properties.lateness());
            schedules.put(schedule.id(), schedule);
            nextFireAt.put(schedule.id(), plan.nextFireAt());
            for (FirePlan.Run run : plan.runs()) {
                @Nullable UUID jobId = run.outcome() == Schedule.Outcome.ENQUEUED ? JobIds.newId() : null;
                planned.add(new ScheduleStore.NewRun(schedule.id(), run.scheduledFor(), run.outcome(), jobId, false));
            }
        }
        recorded.addAll(store.recordRuns(planned, now));
        List<ScheduledJobs.ScheduledJob> enqueued = new ArrayList<>();
        Map<UUID, ScheduleStore.NewRun> newest = new HashMap<>();
        for (ScheduleStore.NewRun run : recorded) {
            if (run.jobId() != null) {
                Schedule schedule = schedules.get(run.scheduleId());
                enqueued.add(new ScheduledJobs.ScheduledJob(schedule.tenant(), schedule.spec().job(), run.jobId(),
                        schedule.id(), run.scheduledFor()));
                newest.merge(run.scheduleId(), run, (a, b) -> a.scheduledFor().isAfter(b.scheduledFor()) ? a : b);
            }
        }
        jobs.insertAll(enqueued, now);
        store.advanceAll(nextFireAt.entrySet().stream().map(next -> new ScheduleStore.Advance(next.getKey(),
                next.getValue(), newest.containsKey(next.getKey()) ? newest.get(next.getKey()).jobId() : null))
                .toList());
        return due.size();
    }
}
