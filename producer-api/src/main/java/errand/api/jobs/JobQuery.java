package errand.api.jobs;

import java.time.Instant;
import java.util.UUID;

import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * A page request of one tenant's job list: newest first, {@code after} is the last job id of the previous page;
 * {@code createdAfter} is inclusive, {@code createdBefore} exclusive.
 */
record JobQuery(String tenant, @Nullable JobStatus status, @Nullable String type, @Nullable UUID batch,
        @Nullable UUID schedule, @Nullable UUID workflow, @Nullable Instant createdAfter,
        @Nullable Instant createdBefore, int limit, @Nullable UUID after) {
}
