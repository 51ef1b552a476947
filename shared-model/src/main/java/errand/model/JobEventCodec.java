package errand.model;

import static errand.model.WireCodec.bool;
import static errand.model.WireCodec.decimal;
import static errand.model.WireCodec.instant;
import static errand.model.WireCodec.integer;
import static errand.model.WireCodec.nextName;
import static errand.model.WireCodec.nullableInstant;
import static errand.model.WireCodec.nullableString;
import static errand.model.WireCodec.string;
import static errand.model.WireCodec.tree;
import static errand.model.WireCodec.uuid;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * {@link JobEvent} as JSON without databind's reflection: the same bytes as the Jackson mapping writes (the
 * {@code event} property first, then the record's properties in order), and the same event read from every body the
 * mapping reads. The fast path takes a body whose first property is {@code event}, as every writer of the mapping
 * puts it; any other order goes to the mapping, which buffers the properties before {@code event} its own way.
 * {@link WireJson} routes events here.
 *
 * <p>Why: a worker encodes two events or more for every job, and the API decodes every one of them.
 */
final class JobEventCodec {

    private static final int JOB_ID = 1;
    private static final int ATTEMPT = 1 << 1;
    private static final int WORKER_ID = 1 << 2;
    private static final int AT = 1 << 3;
    private static final int LEASE_UNTIL = 1 << 4;
    private static final int FRACTION = 1 << 5;
    private static final int MESSAGE = 1 << 6;
    private static final int STARTED_AT = 1 << 7;
    private static final int RESULT = 1 << 8;
    private static final int FAILURE = 1 << 9;
    private static final int RETRY_AT = 1 << 10;
    private static final int COMMON = JOB_ID | ATTEMPT | WORKER_ID | AT;

    private static final int FAILURE_TYPE = 1;
    private static final int FAILURE_MESSAGE = 1 << 1;
    private static final int FAILURE_RETRYABLE = 1 << 2;
    private static final int FAILURE_ALL = (1 << 3) - 1;

    private JobEventCodec() {
    }

    static @Nullable JobEvent read(byte[] body) {
        return WireCodec.read(body, JobEvent.class, JobEventCodec::event);
    }

    /** What the fast path reads, null when the body is left to the mapping. */
    static @Nullable JobEvent readUsual(byte[] body) {
        return WireCodec.usual(body, JobEventCodec::event);
    }

    static byte[] write(JobEvent event) {
        return WireCodec.write(generator -> {
            generator.writeStartObject();
            generator.writeStringProperty("event", kind(event));
            WireCodec.write(generator, "jobId", event.jobId());
            generator.writeNumberProperty("attempt", event.attempt());
            generator.writeStringProperty("workerId", event.workerId());
            switch (event) {
                case JobEvent.Started started -> WireCodec.write(generator, "at", started.at());
                case JobEvent.Leased leased -> {
                    WireCodec.write(generator, "at", leased.at());
                    WireCodec.write(generator, "leaseUntil", leased.leaseUntil());
                }
                case JobEvent.Progress progress -> {
                    WireCodec.write(generator, "at", progress.at());
                    generator.writeNumberProperty("fraction", progress.fraction());
                    generator.writeStringProperty("message", progress.message());
                }
                case JobEvent.Succeeded succeeded -> {
                    WireCodec.write(generator, "startedAt", succeeded.startedAt());
                    WireCodec.write(generator, "at", succeeded.at());
                    WireCodec.write(generator, "result", succeeded.result());
                }
                case JobEvent.Failed failed -> {
                    WireCodec.write(generator, "startedAt", failed.startedAt());
                    WireCodec.write(generator, "at", failed.at());
                    write(generator, failed.failure());
                    WireCodec.write(generator, "retryAt", failed.retryAt());
                }
            }
            generator.writeEndObject();
        });
    }

    /** The {@code event} name, as {@link JobEvent}'s {@code @JsonSubTypes} declares it. */
    static String kind(JobEvent event) {
        return switch (event) {
            case JobEvent.Started started -> "started";
            case JobEvent.Progress progress -> "progress";
            case JobEvent.Succeeded succeeded -> "succeeded";
            case JobEvent.Failed failed -> "failed";
            case JobEvent.Leased leased -> "leased";
        };
    }

    private static void write(JsonGenerator generator, @Nullable Failure failure) {
        generator.writeName("failure");
        if (failure == null) {
            generator.writeNull();
            return;
        }
        generator.writeStartObject();
        generator.writeStringProperty("type", failure.type());
        generator.writeStringProperty("message", failure.message());
        generator.writeBooleanProperty("retryable", failure.retryable());
        generator.writeEndObject();
    }

    /**
     * The event's kind from its first property, then every property of any kind; a property of another kind is
     * ignored, as the mapping ignores it (read all the same: only an unusual value costs a trip through the mapping).
     */
    private static JobEvent event(JsonParser parser) {
        if (!"event".equals(nextName(parser))) {
            throw WireCodec.unusual();
        }
        String kind = string(parser);
        UUID jobId = null;
        int attempt = 0;
        String workerId = null;
        Instant at = null;
        Instant leaseUntil = null;
        double fraction = 0;
        String message = null;
        Instant startedAt = null;
        JsonNode result = null;
        Failure failure = null;
        Instant retryAt = null;
        int seen = 0;
        for (String name = nextName(parser); name != null; name = nextName(parser)) {
            switch (name) {
                case "jobId" -> {
                    jobId = uuid(parser);
                    seen |= JOB_ID;
                }
                case "attempt" -> {
                    attempt = integer(parser);
                    seen |= ATTEMPT;
                }
                case "workerId" -> {
                    workerId = string(parser);
                    seen |= WORKER_ID;
                }
                case "at" -> {
                    at = instant(parser);
                    seen |= AT;
                }
                case "leaseUntil" -> {
                    leaseUntil = instant(parser);
                    seen |= LEASE_UNTIL;
                }
                case "fraction" -> {
                    fraction = decimal(parser);
                    seen |= FRACTION;
                }
                case "message" -> {
                    message = nullableString(parser);
                    seen |= MESSAGE;
                }
                case "startedAt" -> {
                    startedAt = instant(parser);
                    seen |= STARTED_AT;
                }
                case "result" -> {
                    result = tree(parser);
                    seen |= RESULT;
                }
                case "failure" -> {
                    failure = failure(parser);
                    seen |= FAILURE;
                }
                case "retryAt" -> {
                    retryAt = nullableInstant(parser);
                    seen |= RETRY_AT;
                }
                default -> parser.skipChildren();
            }
        }
        return switch (kind) {
            case "started" -> {
                require(seen, COMMON);
                yield new JobEvent.Started(jobId, attempt, workerId, at);
            }
            case "leased" -> {
                require(seen, COMMON | LEASE_UNTIL);
                yield new JobEvent.Leased(jobId, attempt, workerId, at, leaseUntil);
            }
            case "progress" -> {
                require(seen, COMMON | FRACTION | MESSAGE);
                yield new JobEvent.Progress(jobId, attempt, workerId, at, fraction, message);
            }
            case "succeeded" -> {
                require(seen, COMMON | STARTED_AT | RESULT);
                yield new JobEvent.Succeeded(jobId, attempt, workerId, startedAt, at, result);
            }
            case "failed" -> {
                require(seen, COMMON | STARTED_AT | FAILURE | RETRY_AT);
                yield new JobEvent.Failed(jobId, attempt, workerId, startedAt, at, failure, retryAt);
            }
            default -> throw WireCodec.unusual();
        };
    }

    private static Failure failure(JsonParser parser) {
        if (!parser.hasToken(JsonToken.START_OBJECT)) {
            throw WireCodec.unusual();
        }
        String type = null;
        String message = null;
        boolean retryable = false;
        int seen = 0;
        for (String name = nextName(parser); name != null; name = nextName(parser)) {
            switch (name) {
                case "type" -> {
                    type = string(parser);
                    seen |= FAILURE_TYPE;
                }
                case "message" -> {
                    message = string(parser);
                    seen |= FAILURE_MESSAGE;
                }
                case "retryable" -> {
                    retryable = bool(parser);
                    seen |= FAILURE_RETRYABLE;
                }
                default -> parser.skipChildren();
            }
        }
        require(seen, FAILURE_ALL);
        return new Failure(type, message, retryable);
    }

    /** Every property the kind has was present (none null but the nullable ones), else the mapping decides. */
    private static void require(int seen, int properties) {
        if ((seen & properties) != properties) {
            throw WireCodec.unusual();
        }
    }
}
