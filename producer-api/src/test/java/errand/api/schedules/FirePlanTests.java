package errand.api.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;

import errand.api.jobs.JobTemplate;
import errand.api.schedules.FirePlan.Run;
import errand.api.schedules.Schedule.Missed;
import errand.api.schedules.Schedule.Outcome;
import errand.api.schedules.Schedule.Overlap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class FirePlanTests {

    private static final FirePlan.Lateness LATENESS = new FirePlan.Lateness(Duration.ofSeconds(10),
            Duration.ofHours(1));

    @Test
    void aFireTimeJustPassedEnqueuesOneJobAndPlansTheNext() {
        Clock clock = at("2026-06-01T10:00:00.300Z");
        FirePlan plan = planAfterOutage(everyMinute(Overlap.SKIP, Missed.LATEST, false, "2026-06-01T10:00:00Z"), false,
                clock.instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.ENQUEUED));
        assertThat(plan.nextFireAt()).isEqualTo(Instant.parse("2026-06-01T10:01:00Z"));
    }

    @Test
    void overlapSkipRecordsTheFireTimeWhileThePreviousJobIsUnfinished() {
        FirePlan plan = planAfterOutage(everyMinute(Overlap.SKIP, Missed.LATEST, false, "2026-06-01T10:00:00Z"), true,
                at("2026-06-01T10:00:01Z").instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.SKIPPED_OVERLAP));
    }

    @Test
    void overlapAllowEnqueuesWhileThePreviousJobIsUnfinished() {
        FirePlan plan = planAfterOutage(everyMinute(Overlap.ALLOW, Missed.LATEST, false, "2026-06-01T10:00:00Z"), true,
                at("2026-06-01T10:00:01Z").instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.ENQUEUED));
    }

    @Test
    void missedLatestFiresTheLatestMissedTimeAndRecordsTheOthers() {
        FirePlan plan = planAfterOutage(everyMinute(Overlap.SKIP, Missed.LATEST, false, "2026-06-01T10:00:00Z"), false,
                at("2026-06-01T10:02:30Z").instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.SKIPPED_MISSED),
                run("2026-06-01T10:01:00Z", Outcome.SKIPPED_MISSED), run("2026-06-01T10:02:00Z", Outcome.ENQUEUED));
        assertThat(plan.nextFireAt()).isEqualTo(Instant.parse("2026-06-01T10:03:00Z"));
    }

    @Test
    void missedLatestFiresNothingOlderThanTheCatchUpWindow() {
        Instant now = Instant.parse("2026-06-01T10:02:30Z");
        FirePlan plan = FirePlan.of(everyMinute(Overlap.SKIP, Missed.LATEST, false, "2026-06-01T10:00:00Z"), false,
                now, outageUntil(now), new FirePlan.Lateness(Duration.ofSeconds(10), Duration.ofSeconds(20)));

        assertThat(plan.runs()).extracting(Run::outcome).containsOnly(Outcome.SKIPPED_MISSED).hasSize(3);
    }

    @Test
    void aFireTimeLateWhileInstancesWereSweepingFiresEvenForMissedNone() {
        // the instances ran but were busy (the last outage ended before the fire time), and got to it 30 s late
        Instant now = Instant.parse("2026-06-01T10:00:30Z");
        FirePlan plan = FirePlan.of(everyMinute(Overlap.SKIP, Missed.NONE, false, "2026-06-01T10:00:00Z"), false,
                now, new FirePlan.Outage(null, Instant.parse("2026-06-01T09:00:00Z")), LATENESS);

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.ENQUEUED));
    }

    @Test
    void fireTimesBeforeAnOutageBeganAreLateNotMissed() {
        Instant now = Instant.parse("2026-06-01T10:02:30Z");
        // an instance swept at 10:00:30, busy, then every instance was down until now
        FirePlan plan = FirePlan.of(everyMinute(Overlap.ALLOW, Missed.NONE, false, "2026-06-01T10:00:00Z"), false,
                now, new FirePlan.Outage(Instant.parse("2026-06-01T10:00:30Z"), now), LATENESS);

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.ENQUEUED),
                run("2026-06-01T10:01:00Z", Outcome.SKIPPED_MISSED),
                run("2026-06-01T10:02:00Z", Outcome.SKIPPED_MISSED));
    }

    @Test
    void missedNoneFiresNoneOfTheMissedTimes() {
        FirePlan plan = planAfterOutage(everyMinute(Overlap.SKIP, Missed.NONE, false, "2026-06-01T10:00:00Z"), false,
                at("2026-06-01T10:02:30Z").instant());

        assertThat(plan.runs()).extracting(Run::outcome).containsOnly(Outcome.SKIPPED_MISSED).hasSize(3);
    }

    @Test
    void missedLatestCatchesUpOnceBesidesAFireTimeOnTime() {
        // the instances were down from 10:00 to 10:02:02: 10:01 is the latest missed, 10:02 is on time
        FirePlan plan = planAfterOutage(everyMinute(Overlap.ALLOW, Missed.LATEST, false, "2026-06-01T10:00:00Z"), false,
                at("2026-06-01T10:02:02Z").instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.SKIPPED_MISSED),
                run("2026-06-01T10:01:00Z", Outcome.ENQUEUED), run("2026-06-01T10:02:00Z", Outcome.ENQUEUED));
    }

    @Test
    void missedNoneFiresOnlyTheFireTimeOnTime() {
        FirePlan plan = planAfterOutage(everyMinute(Overlap.ALLOW, Missed.NONE, false, "2026-06-01T10:00:00Z"), false,
                at("2026-06-01T10:02:02Z").instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.SKIPPED_MISSED),
                run("2026-06-01T10:01:00Z", Outcome.SKIPPED_MISSED), run("2026-06-01T10:02:00Z", Outcome.ENQUEUED));
    }

    @Test
    void overlapSkipEnqueuesOnlyTheFirstOfTwoFireTimesOnTime() {
        Schedule schedule = schedule("*/2 * * * * *", Overlap.SKIP, Missed.LATEST, false, "2026-06-01T10:00:00Z");
        FirePlan plan = planAfterOutage(schedule, false,
                at("2026-06-01T10:00:02.5Z").instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.ENQUEUED),
                run("2026-06-01T10:00:02Z", Outcome.SKIPPED_OVERLAP));
    }

    @Test
    void aPausedScheduleRecordsEveryFireTimeAsPaused() {
        FirePlan plan = planAfterOutage(everyMinute(Overlap.ALLOW, Missed.LATEST, true, "2026-06-01T10:00:00Z"), false,
                at("2026-06-01T10:01:00.2Z").instant());

        assertThat(plan.runs()).containsExactly(run("2026-06-01T10:00:00Z", Outcome.SKIPPED_PAUSED),
                run("2026-06-01T10:01:00Z", Outcome.SKIPPED_PAUSED));
    }

    @Test
    void aLongOutageRecordsOnlyTheNewestFireTimes() {
        Schedule schedule = schedule("* * * * * *", Overlap.SKIP, Missed.NONE, false, "2026-06-01T00:00:00Z");
        FirePlan plan = planAfterOutage(schedule, false,
                at("2026-06-02T00:00:00.5Z").instant());

        assertThat(plan.runs()).hasSize(FirePlan.MAX_RECORDED);
        assertThat(plan.runs().getLast().scheduledFor()).isEqualTo(Instant.parse("2026-06-02T00:00:00Z"));
        assertThat(plan.nextFireAt()).isEqualTo(Instant.parse("2026-06-02T00:00:01Z"));
    }

    @Test
    void theNextFireTimeFollowsTheZonesDaylightSaving() {
        // Paris, 29 March 2026: 02:30 does not exist; the schedule fires at 03:00 CEST, then at 02:30 CEST
        Schedule schedule = new Schedule(UUID.randomUUID(), "default", new Schedule.ScheduleSpec("nightly",
                "30 2 * * *", ZoneId.of("Europe/Paris"), template(), Overlap.SKIP, Missed.LATEST, false),
                Instant.parse("2026-03-28T01:30:00Z"), null, Instant.EPOCH, Instant.EPOCH);
        FirePlan plan = planAfterOutage(schedule, false,
                at("2026-03-28T01:30:00.1Z").instant());
        assertThat(plan.nextFireAt()).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    }

    /** The plan at {@code now}, every instance having been down from the first sweep ever until then. */
    private static FirePlan planAfterOutage(Schedule schedule, boolean previousJobUnfinished, Instant now) {
        return FirePlan.of(schedule, previousJobUnfinished, now, outageUntil(now), LATENESS);
    }

    private static FirePlan.Outage outageUntil(Instant now) {
        return new FirePlan.Outage(null, now);
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static Run run(String at, Outcome outcome) {
        return new Run(Instant.parse(at), outcome);
    }

    private static Schedule everyMinute(Overlap overlap, Missed missed, boolean paused, String nextFireAt) {
        return schedule("* * * * *", overlap, missed, paused, nextFireAt);
    }

    private static Schedule schedule(String cron, Overlap overlap, Missed missed, boolean paused, String nextFireAt) {
        return new Schedule(UUID.randomUUID(), "default", new Schedule.ScheduleSpec("a schedule", cron,
                ZoneId.of("UTC"), template(), overlap, missed, paused), Instant.parse(nextFireAt), null,
                Instant.EPOCH, Instant.EPOCH);
    }

    private static JobTemplate template() {
        return new JobTemplate("echo", JsonNodeFactory.instance.objectNode(), Duration.ofMinutes(1), 3);
    }
}
