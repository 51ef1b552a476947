package errand.api.schedules;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;

/**
 * A schedule's cron: the 5-field Unix form (minute precision), the 6-field form with seconds first (Spring's
 * {@link CronExpression} syntax) or a macro ({@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly},
 * {@code @yearly}). Fire times are local times of a zone, so daylight saving matters: a local time the zone skips
 * fires at the next valid instant, and a local time it lives twice fires once, the first time. In the 5-field form,
 * a day-of-month and a day-of-week that are both restricted fire on either, as Unix cron does ({@code 0 12 13 * 5}:
 * the 13th, and every Friday); Spring's syntax wants both.
 */
final class Cron {

    /**
     * Crons parsed before, by text: every fire of a schedule needs its cron, and schedules share few distinct ones.
     * Bounded: past this many, others are parsed each time.
     */
    private static final int MAX_CACHED = 1024;
    private static final Map<String, Cron> PARSED = new ConcurrentHashMap<>();

    private final String text;
    /** It fires when any of them does: two for a Unix cron with both days restricted, else one. */
    private final List<CronExpression> expressions;

    private Cron(String text, List<CronExpression> expressions) {
        this.text = text;
        this.expressions = expressions;
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
        List<String> spring;
        if (trimmed.startsWith("@")) {
            spring = List.of(trimmed);
        } else {
            String[] fields = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
            spring = switch (fields.length) {
                case 5 -> unix(fields);
                case 6 -> List.of(trimmed);
                default -> throw new Invalid("has " + fields.length + " fields; use 5 (minute hour day-of-month "
                        + "month day-of-week), 6 with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly");
            };
        }
        try {
            return new Cron(trimmed, spring.stream().map(CronExpression::parse).toList());
        } catch (IllegalArgumentException e) {
            throw new Invalid("'" + trimmed + "' is not a valid cron: " + e.getMessage());
        }
    }

    /** A 5-field cron in Spring's syntax: seconds 0, and one expression per day field when both are restricted. */
    private static List<String> unix(String[] fields) {
        String minuteHour = "0 " + fields[0] + " " + fields[1] + " ";
        String month = " " + fields[3] + " ";
        if (restricted(fields[2]) && restricted(fields[4])) {
            return List.of(minuteHour + fields[2] + month + "*", minuteHour + "*" + month + fields[4]);
        }
        return List.of(minuteHour + fields[2] + month + fields[4]);
    }

    private static boolean restricted(String dayField) {
        return !dayField.equals("*") && !dayField.equals("?");
    }

    /** The earliest next time of the expressions, or null if none fires again. */
    private @Nullable ZonedDateTime next(ZonedDateTime from) {
        ZonedDateTime earliest = null;
        for (CronExpression expression : expressions) {
            ZonedDateTime next = expression.next(from);
            if (next != null && (earliest == null || next.isBefore(earliest))) {
                earliest = next;
            }
        }
        return earliest;
    }

    /** The first fire time strictly after {@code after}, in {@code zone}; empty if there is none. */
    Optional<Instant> nextAfter(Instant after, ZoneId zone) {
        ZonedDateTime from = ZonedDateTime.ofInstant(after, zone);
        ZonedDateTime next = next(from);
        // the second pass of a local time that happens twice (the hour clocks go back) was already fired as the first
        while (next != null && !next.getOffset().equals(from.getOffset())
                && !next.toLocalDateTime().isAfter(from.toLocalDateTime())) {
            next = next(next);
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
                ZonedDateTime wanted = next(gapStart.minusNanos(1));
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
