package errand.api.schedules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

import errand.api.schedules.Schedule.Missed;
import errand.api.schedules.Schedule.Outcome;
import errand.api.schedules.Schedule.Overlap;
import org.jspecify.annotations.Nullable;

/**
 * What a due schedule does now: which of its passed fire times enqueue a job, which are recorded as skipped and why,
 * and its next fire time. A fire time is missed when it passed while no API instance ran (during an {@link Outage},
 * but its last {@code missedAfter}); only the latest missed time may still fire ({@link Missed#LATEST}, within the
 * catch-up window), besides the fire times on time. A fire time that is merely late, because the instances that ran
 * were busy (a cold start, ten thousand schedules due at once), is not missed: it fires. Pure: the caller gives the
 * times.
 *
 * @param runs       the passed fire times, oldest first, each with its outcome (at most {@link #MAX_RECORDED} of
 *                   them: the newest)
 * @param nextFireAt the first fire time after {@code now}
 */
record FirePlan(List<Run> runs, Instant nextFireAt) {

    /**
     * Fire times recorded in one go at most: an every-second schedule whose instances were down for a day would
     * otherwise write 86,400 runs in one transaction. The older ones are passed over unrecorded.
     */
    static final int MAX_RECORDED = 1000;

    /** After a cron that stops firing: never due again. Creating such a schedule is refused, so it is only a guard. */
    static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

    record Run(Instant scheduledFor, Outcome outcome) {
    }

    /** The settings that decide when a fire time is missed and whether it may still fire. */
    record Lateness(Duration missedAfter, Duration catchUpWindow) {
    }

    /**
     * A time when no API instance swept the schedules for longer than {@code missedAfter}: from the last sweep before
     * it ({@code null}: none ever) to the first after it.
     */
    record Outage(@Nullable Instant began, Instant ended) {

        /** Whether {@code fireTime} passed during the outage, earlier than {@code missedAfter} before its end. */
        boolean missed(Instant fireTime, Duration missedAfter) {
            return (began == null || fireTime.isAfter(began)) && fireTime.isBefore(ended.minus(missedAfter));
        }
    }

    /**
     * @param previousJobUnfinished whether the last job this schedule enqueued is still unfinished
     * @param lastOutage            the latest outage; null if there never was one
     */
    static FirePlan of(Schedule schedule, boolean previousJobUnfinished, Instant now, @Nullable Outage lastOutage,
            Lateness lateness) {
        Schedule.ScheduleSpec spec = schedule.spec();
        Cron cron = spec.plan();
        Deque<Instant> due = new ArrayDeque<>();
        Instant next = schedule.nextFireAt();
        while (!next.isAfter(now)) {
            due.addLast(next);
            if (due.size() > MAX_RECORDED) {
                due.removeFirst();
            }
            next = cron.nextAfter(next, spec.timeZone()).orElse(NEVER);
        }
        Predicate<Instant> missed = at -> lastOutage != null && lastOutage.missed(at, lateness.missedAfter());
        Instant latestMissed = due.stream().filter(missed).reduce((a, b) -> b).orElse(null);
        boolean unfinished = previousJobUnfinished;
        List<Run> runs = new ArrayList<>(due.size());
        for (Instant at : due) {
            boolean onTime = !missed.test(at);
            boolean catchUp = at.equals(latestMissed) && spec.missed() == Missed.LATEST
                    && !at.isBefore(now.minus(lateness.catchUpWindow()));
            Outcome outcome;
            if (spec.paused()) {
                outcome = Outcome.SKIPPED_PAUSED;
            } else if (!onTime && !catchUp) {
                outcome = Outcome.SKIPPED_MISSED;
            } else if (spec.overlap() == Overlap.SKIP && unfinished) {
                outcome = Outcome.SKIPPED_OVERLAP;
            } else {
                outcome = Outcome.ENQUEUED;
                unfinished = true;
            }
            runs.add(new Run(at, outcome));
        }
        return new FirePlan(runs, next);
    }
}
