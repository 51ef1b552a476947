package errand.api.jobs;

import java.util.UUID;

import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * A page request of one tenant's job list: newest first, {@code after} is the last job id of the previous page.
 */
record JobQuery(String tenant, @Nullable JobStatus status, @Nullable String type, @Nullable UUID batch,
        @Nullable UUID schedule, int limit, @Nullable UUID after) {
}
