package errand.model;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ext.javatime.deser.DurationDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Reads the instants and durations of the wire contract in the form Java writes them ({@code Instant.toString()},
 * {@code 2026-11-25T20:05:13.123456Z}; {@code Duration.toString()} of whole seconds, minutes or hours, {@code PT30S})
 * by hand, and leaves every other form to Jackson's own deserializers, so what is accepted, and how, does not change.
 * Writes instants by hand too, exactly as {@code Instant.toString()} does.
 *
 * <p>Why: every job message and every worker event carries them, and Jackson parses instants with
 * {@code DateTimeFormatter} and durations with a regular expression. In a worker's profile, decoding a 188-byte job
 * message was a tenth of all CPU samples, and those two parsers were nearly half of it. Writing instants through
 * {@code DateTimeFormatter} was then a quarter of encoding a worker's events.
 */
final class WireTime {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000, 1_000_000_000};
    private static final int SHORTEST_INSTANT = "2026-11-25T20:05:13Z".length();
    private static final long FIRST_FOUR_DIGIT_YEAR_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_FOUR_DIGIT_YEAR_SECOND = Instant.parse("9999-12-31T23:59:59.999999999Z")
            .getEpochSecond();

    private WireTime() {
    }

    static SimpleModule module() {
        return new SimpleModule("errand-wire-time")
                .addDeserializer(Instant.class, new FastPathDeserializer<>(WireTime::instant,
                        InstantDeserializer.INSTANT))
                .addDeserializer(Duration.class, new FastPathDeserializer<>(WireTime::duration,
                        DurationDeserializer.INSTANCE))
                .addSerializer(Instant.class, new InstantWriter());
    }

    /** {@code Instant.toString()}, written without {@code DateTimeFormatter} for the years 0 to 9999. */
    static String text(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_FOUR_DIGIT_YEAR_SECOND || seconds > LAST_FOUR_DIGIT_YEAR_SECOND) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int nanos = instant.getNano();
        char[] out = new char[SHORTEST_INSTANT + 10];
        put(out, 0, date.getYear(), 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3_600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        int length = 19;
        if (nanos != 0) {
            // as DateTimeFormatter.ISO_INSTANT: milliseconds, microseconds or nanoseconds, whichever is exact
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            out[length] = '.';
            put(out, length + 1, nanos / POWERS_OF_TEN[9 - digits], digits);
            length += 1 + digits;
        }
        out[length++] = 'Z';
        return new String(out, 0, length);
    }

    /** Writes {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code at}. */
    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1, rest = value; i >= at; i--, rest /= 10) {
            out[i] = (char) ('0' + rest % 10);
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} as {@code Instant.parse} reads it; null for any other form. */
    static @Nullable Instant instant(String text) {
        int length = text.length();
        if (length < SHORTEST_INSTANT || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (length > SHORTEST_INSTANT) {
            int fractionDigits = length - SHORTEST_INSTANT - 1;
            if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            int fraction = digits(text, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** {@code PT<n>S}, {@code PT<n>M} or {@code PT<n>H} with up to 9 digits, as {@code Duration.parse} reads it. */
    static @Nullable Duration duration(String text) {
        int length = text.length();
        if (length < 4 || length > 12 || text.charAt(0) != 'P' || text.charAt(1) != 'T') {
            return null;
        }
        int amount = digits(text, 2, length - 1);
        if (amount < 0) {
            return null;
        }
        return switch (text.charAt(length - 1)) {
            case 'S' -> Duration.ofSeconds(amount);
            case 'M' -> Duration.ofMinutes(amount);
            case 'H' -> Duration.ofHours(amount);
            default -> null;
        };
    }

    /** The non-negative number written by the ASCII digits in [from, to); -1 if any is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Writes an instant as the string {@link #text} gives. */
    private static final class InstantWriter extends StdSerializer<Instant> {

        InstantWriter() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializationContext context) {
            generator.writeString(text(value));
        }
    }

    /** The fast reading of a string when it gives one, else the fallback deserializer, on the same token. */
    private static final class FastPathDeserializer<T> extends ValueDeserializer<T> {

        private final Function<String, @Nullable T> fast;
        private final ValueDeserializer<T> fallback;

        FastPathDeserializer(Function<String, @Nullable T> fast, ValueDeserializer<T> fallback) {
            this.fast = fast;
            this.fallback = fallback;
        }

        @Override
        public T deserialize(JsonParser parser, DeserializationContext context) {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                T value = fast.apply(parser.getString());
                if (value != null) {
                    return value;
                }
            }
            return fallback.deserialize(parser, context);
        }
    }
}
