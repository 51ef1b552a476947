package errand.api.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import errand.api.FieldError;
import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The query parameters the jobs and batches APIs share ({@code wait}, {@code limit}, {@code status}, ids as cursors
 * and filters), each refused with a 400 naming it.
 */
@Component
public class JobParameters {

    /** Jobs in a page when the request names no {@code limit}. */
    private static final int DEFAULT_PAGE_SIZE = 50;

    private final JobsProperties limits;

    JobParameters(JobsProperties limits) {
        this.limits = limits;
    }

    /** An id given as the query parameter {@code name}. */
    public UUID idOf(String value, String name) {
        return JobIds.parseParameter(value, name);
    }

    /** An instant given as the query parameter {@code name}, such as {@code 2026-12-02T08:00:00Z}. */
    public Instant instantOf(String value, String name) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalidParameter(name, "instant", "'" + value + "' is not an ISO-8601 instant such as "
                    + "2026-12-02T08:00:00Z");
        }
    }

    public Duration waitOf(String wait) {
        try {
            Duration value = Duration.parse(wait);
            if (value.isNegative() || value.compareTo(limits.maxWait()) > 0) {
                throw invalidParameter("wait", "range", "must be between PT0S and " + limits.maxWait());
            }
            return value;
        } catch (DateTimeParseException e) {
            throw invalidParameter("wait", "duration", "'" + wait + "' is not an ISO-8601 duration such as PT30S");
        }
    }

    public int limitOf(@Nullable String limit) {
        if (limit == null) {
            return Math.min(DEFAULT_PAGE_SIZE, limits.maxPageSize());
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= limits.maxPageSize()) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw invalidParameter("limit", "range", "must be a whole number from 1 to " + limits.maxPageSize());
    }

    public @Nullable JobStatus statusOf(@Nullable String status) {
        if (status == null) {
            return null;
        }
        try {
            return JobStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalidParameter("status", "enum", "'" + status + "' is not one of "
                    + List.of(JobStatus.values()));
        }
    }

    static JobExceptions.InvalidJob invalidParameter(String name, String rule, String message) {
        return new JobExceptions.InvalidJob(List.of(new FieldError("?" + name, rule, message)));
    }
}
