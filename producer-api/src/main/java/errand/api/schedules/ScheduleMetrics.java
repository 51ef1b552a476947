package errand.api.schedules;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import errand.api.ErrandMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * The meters of schedules, registered at start so that every series exists before the first fire: fires, skips by
 * reason, and lateness (from the fire time to the commit of its job).
 */
@Component
class ScheduleMetrics {

    private final Counter fired;
    private final Map<Schedule.Outcome, Counter> skipped = new EnumMap<>(Schedule.Outcome.class);
    private final Timer lateness;

    ScheduleMetrics(MeterRegistry registry, SchedulesProperties properties) {
        this.fired = Counter.builder(ErrandMetrics.SCHEDULES_FIRED).register(registry);
        for (Schedule.Outcome outcome : Schedule.Outcome.values()) {
            reasonOf(outcome).ifPresent(reason -> skipped.put(outcome, Counter
                    .builder(ErrandMetrics.SCHEDULES_SKIPPED).tag(ErrandMetrics.TAG_REASON, reason)
                    .register(registry)));
        }
        this.lateness = Timer.builder(ErrandMetrics.SCHEDULES_LATENESS).publishPercentileHistogram()
                .maximumExpectedValue(properties.catchUpWindow().plus(properties.missedAfter()))
                .register(registry);
    }

    /** One fire time's outcome, once committed. */
    void record(Schedule.Outcome outcome, Instant scheduledFor, Instant committedAt) {
        if (outcome == Schedule.Outcome.ENQUEUED) {
            fired.increment();
            lateness.record(Duration.between(scheduledFor, committedAt));
        } else {
            skipped.get(outcome).increment();
        }
    }

    private static Optional<String> reasonOf(Schedule.Outcome outcome) {
        return switch (outcome) {
            case ENQUEUED -> Optional.empty();
            case SKIPPED_OVERLAP -> Optional.of("OVERLAP");
            case SKIPPED_MISSED -> Optional.of("MISSED");
            case SKIPPED_PAUSED -> Optional.of("PAUSED");
        };
    }
}
