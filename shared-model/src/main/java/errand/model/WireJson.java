package errand.model;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the wire contract: ISO-8601 instants and durations (read fast in the form Java writes them,
 * see {@link WireTime}), unknown properties ignored so that newer senders stay readable. Jackson 3 throws unchecked
 * {@code JacksonException}s.
 *
 * <p>Payloads and results are data and pass through unchanged: a JSON number in a tree is read as a
 * {@code BigDecimal} (or an exact integer of any size), never rounded to a double, so {@code 1e400} stays 10^400 and
 * a decimal keeps every digit; an object with the same key twice is refused rather than silently keeping one value.
 * What the job store cannot keep at all is checked separately ({@link StorableJson}).
 *
 * <p>Job messages and job events, written and read on every job, go through hand-written codecs instead of databind
 * ({@link JobMessageCodec}, {@link JobEventCodec}): the same bytes out, the same records in, and any unusual body
 * still read (or refused) by this mapping.
 */
public final class WireJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .addModule(WireTime.module())
            .build();

    private WireJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(@Nullable Object value) {
        return switch (value) {
            case JobMessage job -> JobMessageCodec.write(job);
            case JobEvent event -> JobEventCodec.write(event);
            case null, default -> MAPPER.writeValueAsBytes(value);
        };
    }

    /** The body as a {@code type}; null for a JSON {@code null}, as the mapping reads it. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (type == JobMessage.class) {
            return type.cast(JobMessageCodec.read(body));
        }
        if (type == JobEvent.class) {
            return type.cast(JobEventCodec.read(body));
        }
        return MAPPER.readValue(body, type);
    }

    public static JsonNode tree(byte[] body) {
        return MAPPER.readTree(body);
    }
}
