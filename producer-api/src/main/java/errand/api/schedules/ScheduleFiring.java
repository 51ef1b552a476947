package errand.api.schedules;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.api.dispatch.OutboxSignal;
import errand.api.jobs.ScheduledJobs;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires the due schedules, on every API instance at once: no scheduler process, and losing any instance loses
 * nothing. Each round claims due schedules with {@code SKIP LOCKED} (so instances share them and never wait on each
 * other), and in the same transaction records each passed fire time ({@link FirePlan}), inserts the job of each one
 * that fires (unpublished: its own outbox entry) and advances the schedule. A crash before the commit leaves
 * everything as it was for the next round, on any instance; after it, nothing is fired again: the schedule has moved
 * on, and a fire time's row refuses a second job. The relay is woken after the commit.
 *
 * <p><b>Thread:</b> the schedules chore's. A database error ends the round; the next one tries again.
 */
@Component
class ScheduleFiring {

    private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);

    private final ScheduleStore store;
    private final ScheduledJobs jobs;
    private final TransactionTemplate transactions;
    private final OutboxSignal relay;
    private final SchedulesProperties properties;
    private final ScheduleMetrics metrics;
    private final Clock clock;

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

    /** A fire time as committed, for the meters. */
    private record Fired(Schedule.Outcome outcome, Instant scheduledFor) {
    }

    /** Fires everything due, a batch of schedules per transaction, until nothing is due. */
    void fireDue() {
        int claimed;
        do {
            List<Fired> fired = new ArrayList<>();
            Integer count = transactions.execute(tx -> fireBatch(fired));
            claimed = count == null ? 0 : count;
            Instant committedAt = clock.instant();
            if (fired.stream().anyMatch(f -> f.outcome() == Schedule.Outcome.ENQUEUED)) {
                relay.wakeUp();
            }
            fired.forEach(f -> metrics.record(f.outcome(), f.scheduledFor(), committedAt));
        } while (claimed == properties.claimBatchSize());
    }

    private int fireBatch(List<Fired> fired) {
        // PostgreSQL keeps microseconds: a fire time must read back as written to hit its run's key
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<ScheduleStore.Due> due = store.claimDue(now, properties.claimBatchSize());
        for (ScheduleStore.Due claimed : due) {
            fire(claimed, now, fired);
        }
        return due.size();
    }

    private void fire(ScheduleStore.Due due, Instant now, List<Fired> fired) {
        Schedule schedule = due.schedule();
        FirePlan plan = FirePlan.of(schedule, due.lastJobUnfinished(), now, properties.lateness());
        UUID lastJob = null;
        for (FirePlan.Run run : plan.runs()) {
            @Nullable UUID jobId = run.outcome() == Schedule.Outcome.ENQUEUED ? UUID.randomUUID() : null;
            if (store.recordRun(schedule.id(), run.scheduledFor(), run.outcome(), jobId, false, now)) {
                if (jobId != null) {
                    jobs.insert(schedule.tenant(), schedule.spec().job(), jobId, schedule.id(), run.scheduledFor(),
                            now);
                    lastJob = jobId;
                }
                fired.add(new Fired(run.outcome(), run.scheduledFor()));
                log.debug("Schedule {} fire time {}: {}", schedule.id(), run.scheduledFor(), run.outcome());
            }
        }
        store.advance(schedule.id(), plan.nextFireAt(), lastJob);
    }
}
