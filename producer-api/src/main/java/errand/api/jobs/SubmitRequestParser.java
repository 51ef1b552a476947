package errand.api.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import errand.api.FieldError;
import errand.api.tasktypes.PayloadValidator;
import errand.api.tasktypes.TaskTypeCatalog;
import errand.model.StorableJson;
import errand.model.TaskTypeDescriptor;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a submitted JSON object into a {@link NewJob}, or into the list of every rule it breaks: shape, known
 * type, the type's payload schema, durations and numbers. Nothing invalid gets past here to the store or queue, and
 * nothing the store could not keep exactly ({@link StorableJson}: NUL characters, lone surrogates, numbers too long).
 */
@Component
public class SubmitRequestParser {

    /** A job's {@code timeout} must be positive; the store keeps it in milliseconds. */
    private static final Duration SHORTEST_TIMEOUT = Duration.ofMillis(1);
    private static final Set<String> FIELDS = Set.of("type", "payload", "timeout", "maxAttempts", "delay");
    /** The fields of a job that a workflow step takes: it starts when its dependencies let it, never later. */
    private static final Set<String> STEP_FIELDS = Set.of("type", "payload", "timeout", "maxAttempts");
    private static final JsonMapper CANONICAL = WireJson.mapper().rebuild()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private final TaskTypeCatalog catalog;
    private final PayloadValidator validator;
    private final JobsProperties limits;

    SubmitRequestParser(TaskTypeCatalog catalog, PayloadValidator validator, JobsProperties limits) {
        this.catalog = catalog;
        this.validator = validator;
        this.limits = limits;
    }

    /**
     * Parses one job of {@code tenant}; {@code errors} collects what is wrong, with pointers relative to the job
     * object. The job belongs to the trace of {@code traceparent}.
     */
    Optional<NewJob> parse(String tenant, JsonNode request, @Nullable String idempotencyKey, Instant now,
            String traceparent, List<FieldError> errors) {
        int errorsBefore = errors.size();
        Optional<JobSpec> spec = parseSpec(request, FIELDS, true, errors);
        if (!request.isObject()) {
            return Optional.empty();
        }
        Duration delay = duration(request.get("delay"), "/delay", errors, Duration.ZERO, limits.maxDelay());
        if (spec.isEmpty() || errors.size() > errorsBefore) {
            return Optional.empty();
        }
        JobSpec job = spec.get();
        return Optional.of(new NewJob(tenant, JobIds.newId(), job.type(), job.payload(), job.maxAttempts(),
                job.timeout(), now, delay != null ? now.plus(delay) : now, idempotencyKey,
                idempotencyKey == null ? null : hash(request), traceparent, null, null, null, null));
    }

    /**
     * Parses the job fields of a workflow step ({@code type}, {@code payload}, {@code timeout}, {@code maxAttempts},
     * and no others: {@code errors} names the rest). The payload is checked against its type's schema only when
     * {@code checkSchema}: a payload with references to other steps' results can only be checked once resolved.
     */
    public Optional<JobSpec> parseStep(JsonNode request, boolean checkSchema, List<FieldError> errors) {
        return parseSpec(request, STEP_FIELDS, checkSchema, errors);
    }

    private Optional<JobSpec> parseSpec(JsonNode request, Set<String> fields, boolean checkSchema,
            List<FieldError> errors) {
        if (!request.isObject()) {
            errors.add(new FieldError("", "type", "a job must be a JSON object"));
            return Optional.empty();
        }
        // first, and alone: a NUL in the type name would otherwise reach the catalog's query
        List<StorableJson.Problem> unstorable = StorableJson.problems(request);
        if (!unstorable.isEmpty()) {
            unstorable.forEach(p -> errors.add(new FieldError(p.pointer(), p.rule(), p.message())));
            return Optional.empty();
        }
        for (String name : request.propertyNames()) {
            if (!fields.contains(name)) {
                errors.add(new FieldError("/" + name, "unknown", "is not a field of a job; known fields: "
                        + String.join(", ", fields.stream().sorted().toList())));
            }
        }
        Optional<TaskTypeDescriptor> type = taskType(request.get("type"), errors);
        JsonNode payload = request.get("payload");
        if (payload == null || payload.isNull()) {
            errors.add(new FieldError("/payload", "required", "is required (a JSON object)"));
        } else if (!payload.isObject()) {
            errors.add(new FieldError("/payload", "type", "must be a JSON object"));
        } else if (type.isPresent() && checkSchema) {
            validator.validate(type.get(), payload).forEach(v -> errors.add(
                    new FieldError("/payload" + v.pointer(), v.rule(), v.message())));
        }
        Duration timeout = duration(request.get("timeout"), "/timeout", errors, SHORTEST_TIMEOUT,
                limits.maxTimeout());
        Integer maxAttempts = maxAttempts(request.get("maxAttempts"), errors);
        if (!errors.isEmpty() || type.isEmpty() || payload == null) {
            return Optional.empty();
        }
        TaskTypeDescriptor descriptor = type.get();
        return Optional.of(new JobSpec(descriptor.name(), payload,
                maxAttempts != null ? maxAttempts : descriptor.maxAttempts(),
                timeout != null ? timeout : descriptor.timeout()));
    }

    private Optional<TaskTypeDescriptor> taskType(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("/type", "required", "is required (the name of a task type)"));
            return Optional.empty();
        }
        if (!node.isString() || node.asString().isBlank()) {
            errors.add(new FieldError("/type", "type", "must be the name of a task type, as a string"));
            return Optional.empty();
        }
        Optional<TaskTypeDescriptor> type = catalog.find(node.asString());
        if (type.isEmpty()) {
            errors.add(new FieldError("/type", "known", "'" + node.asString()
                    + "' is not a task type any worker has announced; GET /api/v1/task-types lists them"));
        }
        return type;
    }

    private static @Nullable Duration duration(@Nullable JsonNode node, String field, List<FieldError> errors,
            Duration min, Duration max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldError(field, "duration", "must be an ISO-8601 duration string such as PT30S"));
            return null;
        }
        try {
            Duration value = Duration.parse(node.asString());
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                errors.add(new FieldError(field, "range", "must be between " + min + " and " + max));
                return null;
            }
            return value;
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "duration",
                    "'" + node.asString() + "' is not an ISO-8601 duration such as PT30S"));
            return null;
        }
    }

    private @Nullable Integer maxAttempts(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            errors.add(new FieldError("/maxAttempts", "integer", "must be a whole number"));
            return null;
        }
        int value = node.asInt();
        if (value < 1 || value > limits.maxAttempts()) {
            errors.add(new FieldError("/maxAttempts", "range", "must be between 1 and " + limits.maxAttempts()));
            return null;
        }
        return value;
    }

    /** A stable digest of the request, to tell a retried request from a different one under the same key. */
    static String hash(JsonNode request) {
        List<String> parts = new ArrayList<>();
        for (String field : FIELDS.stream().sorted().toList()) {
            JsonNode value = request.get(field);
            parts.add(field + "=" + (value == null ? "" : CANONICAL.writeValueAsString(
                    CANONICAL.convertValue(value, Object.class))));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
