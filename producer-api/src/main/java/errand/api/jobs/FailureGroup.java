package errand.api.jobs;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Failed jobs of one type that failed with the same error, among the newest ones read.
 *
 * @param errorType   the failure's kind, such as an exception's simple name or {@code dead-lettered}
 * @param newestJobId the newest job of the group, to open as an example
 */
record FailureGroup(String type, @Nullable String errorType, @Nullable String message, long jobs, Instant newest,
        UUID newestJobId) {
}
