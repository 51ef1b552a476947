package errand.model;

import static errand.model.WireCodec.duration;
import static errand.model.WireCodec.instant;
import static errand.model.WireCodec.integer;
import static errand.model.WireCodec.nextName;
import static errand.model.WireCodec.string;
import static errand.model.WireCodec.tree;
import static errand.model.WireCodec.uuid;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;

/**
 * {@link JobMessage} as JSON without databind's reflection: the same bytes as the Jackson mapping writes (properties
 * in the record's order), and the same record read from every body the mapping reads, through {@link WireCodec}'s
 * fast path or, for any unusual form, the mapping itself. {@link WireJson} routes job messages here.
 *
 * <p>Why: the worker decodes every job it runs and the API's outbox relay encodes every job it publishes; databind
 * builds the record through {@code MethodHandle.invokeWithArguments}, which was most of what was left of decoding in
 * a worker's profile.
 */
final class JobMessageCodec {

    private static final int JOB_ID = 1;
    private static final int TYPE = 1 << 1;
    private static final int ATTEMPT = 1 << 2;
    private static final int MAX_ATTEMPTS = 1 << 3;
    private static final int TIMEOUT = 1 << 4;
    private static final int PAYLOAD = 1 << 5;
    private static final int CREATED_AT = 1 << 6;
    private static final int ALL = (1 << 7) - 1;

    private JobMessageCodec() {
    }

    static @Nullable JobMessage read(byte[] body) {
        return WireCodec.read(body, JobMessage.class, JobMessageCodec::fields);
    }

    /** What the fast path reads, null when the body is left to the mapping. */
    static @Nullable JobMessage readUsual(byte[] body) {
        return WireCodec.usual(body, JobMessageCodec::fields);
    }

    static byte[] write(JobMessage job) {
        return WireCodec.write(generator -> {
            generator.writeStartObject();
            WireCodec.write(generator, "jobId", job.jobId());
            generator.writeStringProperty("type", job.type());
            generator.writeNumberProperty("attempt", job.attempt());
            generator.writeNumberProperty("maxAttempts", job.maxAttempts());
            WireCodec.write(generator, "timeout", job.timeout());
            WireCodec.write(generator, "payload", job.payload());
            WireCodec.write(generator, "createdAt", job.createdAt());
            generator.writeEndObject();
        });
    }

    /** Every property present, none null; unknown ones skipped, as the mapping ignores them. */
    private static JobMessage fields(JsonParser parser) {
        UUID jobId = null;
        String type = null;
        int attempt = 0;
        int maxAttempts = 0;
        Duration timeout = null;
        JsonNode payload = null;
        Instant createdAt = null;
        int seen = 0;
        for (String name = nextName(parser); name != null; name = nextName(parser)) {
            switch (name) {
                case "jobId" -> {
                    jobId = uuid(parser);
                    seen |= JOB_ID;
                }
                case "type" -> {
                    type = string(parser);
                    seen |= TYPE;
                }
                case "attempt" -> {
                    attempt = integer(parser);
                    seen |= ATTEMPT;
                }
                case "maxAttempts" -> {
                    maxAttempts = integer(parser);
                    seen |= MAX_ATTEMPTS;
                }
                case "timeout" -> {
                    timeout = duration(parser);
                    seen |= TIMEOUT;
                }
                case "payload" -> {
                    payload = tree(parser);
                    seen |= PAYLOAD;
                }
                case "createdAt" -> {
                    createdAt = instant(parser);
                    seen |= CREATED_AT;
                }
                default -> parser.skipChildren();
            }
        }
        if (seen != ALL) {
            throw WireCodec.unusual();
        }
        return new JobMessage(jobId, type, attempt, maxAttempts, timeout, payload, createdAt);
    }
}
