package errand.api.schedules;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.scheduling.support.CronExpression;

/**
 * A schedule's cron: the 5-field Unix form (minute precision), the 6-field form with seconds first (Spring's
 * {@link CronExpression} syntax) or a macro ({@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly},
 * {@code @yearly}). Fire times are local times of a zone, so daylight saving matters: a local time the zone skips
 * fires at the next valid instant, and a local time it lives twice fires once, the first time.
 */
final class Cron {

    /**
     * Crons parsed before, by text: every fire of a schedule needs its cron, and schedules share few distinct ones.
     * Bounded: past this many, others are parsed each time.
     */
    private static final int MAX_CACHED = 1024;
    private static final Map<String, Cron> PARSED = new ConcurrentHashMap<>();

    private final String text;
    private final CronExpression expression;

    private Cron(String text, CronExpression expression) {
        this.text = text;
        this.expression = expression;
    }

    /**
     * Parses {@code text}.
     *
     * @throws Invalid saying what is wrong with it
     */
    static Cron parse(String text) {
        Cron cached = PARSED.get(text);
        if (cached != null) {
            return cached;
        }
        Cron parsed = parseUncached(text);
        if (PARSED.size() < MAX_CACHED) {
            PARSED.put(text, parsed);
        }
        return parsed;
    }

    private static Cron parseUncached(String text) {
        String trimmed = text.strip();
        String spring;
        if (trimmed.startsWith("@")) {
            spring = trimmed;
        } else {
            int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
            spring = switch (fields) {
                case 5 -> "0 " + trimmed;
                case 6 -> trimmed;
                default -> throw new Invalid("has " + fields + " fields; use 5 (minute hour day-of-month month "
                        + "day-of-week), 6 with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly");
            };
        }
        try {
            return new Cron(trimmed, CronExpression.parse(spring));
        } catch (IllegalArgumentException e) {
            throw new Invalid("'" + trimmed + "' is not a valid cron: " + e.getMessage());
        }
    }

    /** The first fire time strictly after {@code after}, in {@code zone}; empty if there is none. */
    Optional<Instant> nextAfter(Instant after, ZoneId zone) {
        ZonedDateTime from = ZonedDateTime.ofInstant(after, zone);
        ZonedDateTime next = expression.next(from);
        // the second pass of a local time that happens twice (the hour clocks go back) was already fired as the first
        while (next != null && !next.getOffset().equals(from.getOffset())
                && !next.toLocalDateTime().isAfter(from.toLocalDateTime())) {
            next = expression.next(next);
        }
        if (next == null) {
            return Optional.empty();
        }
        return Optional.of(skippedFireTimeBefore(after, next.toInstant(), zone).orElse(next.toInstant()));
    }

    /**
     * CronExpression passes over a local time that a zone skips (02:30 the night clocks go from 02:00 to 03:00). If
     * the cron wants such a time between {@code after} and {@code planned}, it fires when the gap ends: the next
     * valid instant.
     */
    private Optional<Instant> skippedFireTimeBefore(Instant after, Instant planned, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        for (ZoneOffsetTransition transition = rules.nextTransition(after);
                transition != null && transition.getInstant().isBefore(planned);
                transition = rules.nextTransition(transition.getInstant())) {
            if (transition.isGap()) {
                // on the clock of before the gap, local times run on through it
                ZonedDateTime gapStart = transition.getDateTimeBefore().atZone(transition.getOffsetBefore());
                ZonedDateTime wanted = expression.next(gapStart.minusNanos(1));
                if (wanted != null && wanted.toLocalDateTime().isBefore(transition.getDateTimeAfter())) {
                    return Optional.of(transition.getInstant());
                }
            }
        }
        return Optional.empty();
    }

    /** Whether it fires at all: {@code 0 0 30 2 *} (February 30th) never does. */
    boolean firesAfter(Instant from, ZoneId zone) {
        return nextAfter(from, zone).isPresent();
    }

    @Override
    public String toString() {
        return text;
    }

    /** A cron the schedule cannot use; the message says why. */
    static final class Invalid extends RuntimeException {

        Invalid(String message) {
            super(message);
        }
    }
}
