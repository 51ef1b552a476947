package errand.api.jobs;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import errand.api.FieldError;
import errand.model.JobStatus;
import errand.model.StorableJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Which jobs a bulk retry or cancel acts on: the body of {@code POST /api/v1/jobs/retry} and
 * {@code /api/v1/jobs/cancel}. Every field is optional; {@code createdBefore} defaults to the moment the request
 * arrived, so jobs submitted while the action runs are not swept up by it.
 *
 * @param status null: every status the action applies to
 */
record BulkFilter(@Nullable JobStatus status, @Nullable String type, @Nullable UUID batch, Instant createdBefore) {

    private static final Set<String> FIELDS = Set.of("status", "type", "batch", "createdBefore");

    /** The filter the body names, or a 400 listing every field that is wrong. */
    static BulkFilter parse(JsonNode body, Instant now) {
        if (!body.isObject()) {
            throw new JobExceptions.InvalidJob(List.of(new FieldError("", "type", "must be a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        body.propertyNames().stream().filter(name -> !FIELDS.contains(name)).sorted().forEach(name ->
                errors.add(new FieldError("/" + name, "unknown", "is not a filter field; use " + FIELDS)));
        JobStatus status = null;
        String statusText = text(body, "status", errors);
        if (statusText != null) {
            try {
                status = JobStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("/status", "enum", "'" + statusText + "' is not one of "
                        + List.of(JobStatus.values())));
            }
        }
        String type = text(body, "type", errors);
        UUID batch = null;
        String batchText = text(body, "batch", errors);
        if (batchText != null) {
            try {
                batch = UUID.fromString(batchText);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("/batch", "uuid", "'" + batchText + "' is not an id"));
            }
        }
        Instant createdBefore = now;
        String beforeText = text(body, "createdBefore", errors);
        if (beforeText != null) {
            try {
                createdBefore = Instant.parse(beforeText);
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("/createdBefore", "instant", "'" + beforeText
                        + "' is not an ISO-8601 instant such as 2026-12-02T08:00:00Z"));
            }
        }
        if (!errors.isEmpty()) {
            throw new JobExceptions.InvalidJob(errors);
        }
        return new BulkFilter(status, type, batch, createdBefore);
    }

    private static @Nullable String text(JsonNode body, String field, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.isString() ? value.asString() : "";
        // a NUL or a lone surrogate matches no job, and PostgreSQL would refuse the query with an error
        if (text.isEmpty() || !StorableJson.readable(text).equals(text)) {
            errors.add(new FieldError("/" + field, "type", "must be a non-empty string"));
            return null;
        }
        return text;
    }
}
