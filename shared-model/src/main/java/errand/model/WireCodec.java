package errand.model;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * What the hand-written codecs ({@link JobMessageCodec}, {@link JobEventCodec}) share: the fields of the wire records
 * read off Jackson's streaming parser in the one form Errand's writers produce, and written through a generator of
 * {@link WireJson}'s mapper, so features such as escaping and number forms are the mapping's own.
 *
 * <p>Reading takes a fast path only for that form; any other token ({@link Unusual}), and any parser error, sends the
 * whole body to the Jackson mapping instead, which reads it or refuses it as it always did. So what is accepted, what
 * it reads as, and the exception a malformed body fails with do not change; only the usual case skips databind.
 */
final class WireCodec {

    private static final int UUID_LENGTH = 36;

    private WireCodec() {
    }

    /** A body the fast path leaves to Jackson. Thrown without a stack trace: it is control flow, not an error. */
    static final class Unusual extends RuntimeException {

        private static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super("left to the Jackson mapping", null, false, false);
        }
    }

    /** How a codec reads one value, the parser on its first token. */
    @FunctionalInterface
    interface FastReader<T> {
        T read(JsonParser parser);
    }

    /** The body read by {@code fast} when it is in the usual form, else by the Jackson mapping. */
    static <T> @Nullable T read(byte[] body, Class<T> type, FastReader<T> fast) {
        T value = usual(body, fast);
        return value != null ? value : WireJson.mapper().readValue(body, type);
    }

    /** The body read by {@code fast}; null when it is not one object in the usual form with nothing after it. */
    static <T> @Nullable T usual(byte[] body, FastReader<T> fast) {
        try (JsonParser parser = WireJson.mapper().createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                T value = fast.read(parser);
                if (parser.nextToken() == null) {
                    return value;
                }
            }
        } catch (Unusual | JacksonException e) {
            // the mapping decides: it reads the unusual form, or refuses it with its own exception
        }
        return null;
    }

    /** The JSON {@code write} gives, in UTF-8, from a generator of the wire mapping. */
    static byte[] write(Consumer<JsonGenerator> write) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = WireJson.mapper().createGenerator(out)) {
            write.accept(generator);
        }
        return out.toByteArray();
    }

    static Unusual unusual() {
        return Unusual.INSTANCE;
    }

    /** The next property's name, the parser then on its value; null at the end of the object. */
    static @Nullable String nextName(JsonParser parser) {
        String name = parser.nextName();
        if (name == null) {
            if (!parser.hasToken(JsonToken.END_OBJECT)) {
                throw unusual();
            }
            return null;
        }
        parser.nextToken();
        return name;
    }

    /** A UUID in its canonical 36-character form (what Jackson reads otherwise, such as base64, it reads). */
    static UUID uuid(JsonParser parser) {
        String text = string(parser);
        if (text.length() != UUID_LENGTH) {
            throw unusual();
        }
        for (int i = 0; i < UUID_LENGTH; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
                throw unusual();
            }
        }
        return UUID.fromString(text);
    }

    static String string(JsonParser parser) {
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            throw unusual();
        }
        return parser.getString();
    }

    static @Nullable String nullableString(JsonParser parser) {
        return parser.hasToken(JsonToken.VALUE_NULL) ? null : string(parser);
    }

    /** An integer written as one that fits an {@code int}; Jackson coerces or refuses the rest. */
    static int integer(JsonParser parser) {
        if (!parser.hasToken(JsonToken.VALUE_NUMBER_INT) || parser.getNumberType() != JsonParser.NumberType.INT) {
            throw unusual();
        }
        return parser.getIntValue();
    }

    /** A finite number written with a fraction or an exponent, as a {@code double} property is written. */
    static double decimal(JsonParser parser) {
        if (!parser.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
            throw unusual();
        }
        double value = parser.getDoubleValue();
        if (!Double.isFinite(value)) {
            throw unusual();
        }
        return value;
    }

    static boolean bool(JsonParser parser) {
        return switch (parser.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case null, default -> throw unusual();
        };
    }

    static Instant instant(JsonParser parser) {
        Instant instant = WireTime.instant(string(parser));
        if (instant == null) {
            throw unusual();
        }
        return instant;
    }

    static @Nullable Instant nullableInstant(JsonParser parser) {
        return parser.hasToken(JsonToken.VALUE_NULL) ? null : instant(parser);
    }

    static Duration duration(JsonParser parser) {
        Duration duration = WireTime.duration(string(parser));
        if (duration == null) {
            throw unusual();
        }
        return duration;
    }

    /** A payload or result: any JSON but null, read by the mapping's own tree reader (exact numbers). */
    static JsonNode tree(JsonParser parser) {
        if (parser.hasToken(JsonToken.VALUE_NULL)) {
            throw unusual();
        }
        return parser.readValueAsTree();
    }

    static void write(JsonGenerator generator, String name, @Nullable UUID value) {
        generator.writeName(name);
        if (value == null) {
            generator.writeNull();
        } else {
            generator.writeString(value.toString());
        }
    }

    static void write(JsonGenerator generator, String name, @Nullable Instant value) {
        generator.writeName(name);
        if (value == null) {
            generator.writeNull();
        } else {
            generator.writeString(WireTime.text(value));
        }
    }

    static void write(JsonGenerator generator, String name, @Nullable Duration value) {
        generator.writeName(name);
        if (value == null) {
            generator.writeNull();
        } else {
            generator.writeString(value.toString());
        }
    }

    static void write(JsonGenerator generator, String name, @Nullable JsonNode value) {
        generator.writeName(name);
        if (value == null) {
            generator.writeNull();
        } else {
            generator.writeTree(value);
        }
    }
}
