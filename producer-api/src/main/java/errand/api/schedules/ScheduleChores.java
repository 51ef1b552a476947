package errand.api.schedules;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic chores of schedules: firing what is due, and deleting old runs and stopped instances' sweeps. */
@Configuration(proxyBeanMethods = false)
class ScheduleChores {

    /** How often old runs are deleted: they pile up slowly. */
    private static final Duration RUN_RETENTION_INTERVAL = Duration.ofMinutes(1);
    /** Runs deleted per statement, so no lock is held for long. */
    private static final int RUN_RETENTION_BATCH = 1000;

    /** Firing and managing schedules read the time through this, so tests can set it. */
    @Bean
    Clock scheduleClock() {
        return Clock.systemUTC();
    }

    @Bean
    PeriodicTask scheduleFiringChore(ScheduleFiring firing, SchedulesProperties properties) {
        return new PeriodicTask("errand-schedules", properties.pollInterval(), firing::fireDue);
    }

    @Bean
    PeriodicTask scheduleRunRetentionChore(ScheduleStore store, SchedulesProperties properties, Clock clock) {
        // a backlog of old runs drains in one pass
        return new PeriodicTask("errand-schedule-runs-retention", RUN_RETENTION_INTERVAL, () -> {
            int deleted;
            Instant cutOff = clock.instant().minus(properties.runRetention());
            do {
                deleted = store.deleteRunsBefore(cutOff, RUN_RETENTION_BATCH);
            } while (deleted == RUN_RETENTION_BATCH);
            store.deleteSweepsBefore(cutOff);
        });
    }
}
