package errand.model;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random values and bodies for comparing the hand-written codecs with the Jackson mapping: nulls, unicode and
 * escapes, exact and huge numbers, nested payloads, every form of instant and duration, and bodies in forms no
 * Errand writer produces.
 */
final class WireSamples {

    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final String[] NUMBERS = {"0", "-0", "7", "-42", "2147483648", "9223372036854775808",
        "123456789012345678901234567890123456789012345678901234567890", "0.1", "-0.0", "2.50", "1e400", "1E-7",
        "0.1234567890123456789012345678901234567890", "-1.5e-300", "3.4028235E38", "1.0"};

    private final SplittableRandom random;
    private final boolean usual;

    /** @param usual only what Errand's own writers produce: no nulls where a value belongs, Java's time forms */
    WireSamples(long seed, boolean usual) {
        this.random = new SplittableRandom(seed);
        this.usual = usual;
    }

    JobMessage jobMessage() {
        return new JobMessage(orNull(uuid()), orNull(text()), integer(), integer(), orNull(duration()),
                orNull(payload()), orNull(instant()));
    }

    JobEvent jobEvent() {
        UUID jobId = orNull(uuid());
        int attempt = integer();
        String workerId = orNull(text());
        Instant at = orNull(instant());
        return switch (random.nextInt(5)) {
            case 0 -> new JobEvent.Started(jobId, attempt, workerId, at);
            case 1 -> new JobEvent.Leased(jobId, attempt, workerId, at, orNull(instant()));
            case 2 -> new JobEvent.Progress(jobId, attempt, workerId, at, fraction(),
                    random.nextInt(4) == 0 ? null : text());
            case 3 -> new JobEvent.Succeeded(jobId, attempt, workerId, orNull(instant()), at, orNull(payload()));
            default -> new JobEvent.Failed(jobId, attempt, workerId, orNull(instant()), at, orNull(failure()),
                    random.nextInt(3) == 0 ? null : instant());
        };
    }

    private Failure failure() {
        return new Failure(orNull(text()), orNull(text()), random.nextBoolean());
    }

    /** A null for one value in ten, unless only usual values are asked for. */
    private <T> @Nullable T orNull(T value) {
        return !usual && random.nextInt(10) == 0 ? null : value;
    }

    UUID uuid() {
        return new UUID(random.nextLong(), random.nextLong());
    }

    int integer() {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(1, 10);
            case 1 -> random.nextInt();
            case 2 -> random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            default -> random.nextInt(-5, 5);
        };
    }

    double fraction() {
        return switch (random.nextInt(usual ? 4 : 6)) {
            case 0 -> random.nextDouble();
            case 1 -> random.nextBoolean() ? 0.0 : 1.0;
            case 2 -> random.nextInt(101) / 100.0;
            case 3 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL)
                    * (random.nextBoolean() ? 1 : -1);
            case 4 -> -0.0;
            default -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE}[random.nextInt(4)];
        };
    }

    /** Every form WireTime reads by hand (years 0 to 9999, 0, 3, 6 or 9 fraction digits), and beyond. */
    Instant instant() {
        Instant instant = Instant.ofEpochSecond(random.nextLong(EARLIEST.getEpochSecond(),
                LATEST.getEpochSecond() + 1), random.nextInt(1_000_000_000));
        return switch (random.nextInt(usual ? 4 : 5)) {
            case 0 -> instant.truncatedTo(ChronoUnit.SECONDS);
            case 1 -> instant.truncatedTo(ChronoUnit.MILLIS);
            case 2 -> instant.truncatedTo(ChronoUnit.MICROS);
            case 3 -> instant;
            default -> random.nextBoolean() ? Instant.MIN.plusSeconds(random.nextLong(1_000_000))
                    : Instant.MAX.minusSeconds(random.nextLong(1_000_000));
        };
    }

    /** Whole seconds, minutes or hours as Errand's timeouts are; otherwise fractions, negatives and mixed units. */
    Duration duration() {
        return switch (random.nextInt(usual ? 3 : 6)) {
            case 0 -> Duration.ofSeconds(random.nextInt(60));
            case 1 -> Duration.ofMinutes(random.nextInt(1, 60));
            case 2 -> Duration.ofHours(random.nextInt(1, 1000));
            case 3 -> Duration.ofMillis(random.nextLong(-100_000_000, 100_000_000));
            case 4 -> Duration.ofNanos(random.nextLong());
            default -> Duration.ofDays(random.nextLong(-10_000, 10_000)).plusSeconds(random.nextInt(86_400));
        };
    }

    /** Unicode, escapes and control characters; no lone surrogates, which no JSON writer can write. */
    String text() {
        int length = random.nextInt(random.nextBoolean() ? 8 : 64);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> text.append((char) random.nextInt(0x20));
                case 1 -> text.append("\"\\/\u2028\u00e9".charAt(random.nextInt(5)));
                case 2 -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
                case 3 -> text.append((char) random.nextInt(0x80, 0xd800));
                default -> text.append((char) random.nextInt(0x20, 0x7f));
            }
        }
        return text.toString();
    }

    /** A payload or result: an object as Errand's senders write them, otherwise any JSON, {@code null} too. */
    JsonNode payload() {
        return usual ? tree("{\"value\":" + json(3) + "}") : tree(json(3));
    }

    /** Any JSON, as the mapping's tree reader reads it (exact numbers), nested up to {@code depth}. */
    JsonNode tree(int depth) {
        return tree(json(depth));
    }

    private static JsonNode tree(String json) {
        return WireJson.tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    String json(int depth) {
        int kind = random.nextInt(depth > 0 ? 7 : 5);
        return switch (kind) {
            case 0 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 1 -> quoted(text());
            case 2 -> random.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> Long.toString(random.nextLong());
            case 5 -> {
                List<String> items = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    items.add(json(depth - 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> {
                List<String> members = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    members.add(quoted(text() + i) + ":" + json(depth - 1));
                }
                yield "{" + String.join(",", members) + "}";
            }
        };
    }

    String quoted(String text) {
        return JsonNodeFactory.instance.stringNode(text).toString();
    }

    /**
     * The body written by the mapping, changed the way another sender might: properties in another order, unknown
     * properties, a property missing or null, a value in another form or type.
     */
    byte[] variant(byte[] written) {
        ObjectNode body = (ObjectNode) WireJson.tree(written);
        List<String> names = new ArrayList<>(body.propertyNames());
        String name = names.get(random.nextInt(names.size()));
        switch (random.nextInt(8)) {
            case 0 -> {
                Collections.shuffle(names, new java.util.Random(random.nextLong()));
                ObjectNode shuffled = JsonNodeFactory.instance.objectNode();
                names.forEach(n -> shuffled.set(n, body.get(n)));
                return WireJson.mapper().writeValueAsBytes(shuffled);
            }
            case 1 -> body.set(random.nextBoolean() ? "someFutureField" : name + "X", tree(2));
            case 2 -> body.remove(name);
            case 3 -> body.putNull(name);
            case 4 -> body.set(name, tree(1));
            case 5 -> body.put(name, body.get(name).asString(""));
            case 6 -> body.set(name, WireJson.mapper().readTree(otherForm(body.get(name))));
            default -> {
                String text = new String(written, java.nio.charset.StandardCharsets.UTF_8);
                return (" \n" + text.replace(",", " ,\t") + " ").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return WireJson.mapper().writeValueAsBytes(body);
    }

    /** The same value as another sender might write it, or a near miss. */
    private String otherForm(JsonNode value) {
        String text = value.isString() ? value.asString() : value.toString();
        return switch (random.nextInt(10)) {
            case 0 -> quoted(text.toUpperCase(java.util.Locale.ROOT));
            case 1 -> quoted(text.replace("Z", "+00:00"));
            case 2 -> quoted(text.replace("Z", "+01:30"));
            case 3 -> value.isNumber() ? value.asString() + "e0" : "1764101113.5";
            case 4 -> value.isNumber() ? "1e1" : "\"PT0.5S\"";
            case 5 -> value.isNumber() ? "99999999999" : quoted(text.replace("-", ""));
            case 6 -> value.isBoolean() ? quoted(text) : "\"P1DT2H\"";
            case 7 -> value.isBoolean() ? "1" : "\"not a value\"";
            case 8 -> "[" + value + "]";
            default -> quoted("");
        };
    }

    /** The value read, or the class of the exception the read threw: what a caller sees. */
    static @Nullable Object outcome(Callable<?> read) {
        try {
            return read.call();
        } catch (Exception e) {
            return e.getClass();
        }
    }
}
