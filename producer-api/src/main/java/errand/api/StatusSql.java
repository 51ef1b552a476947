package errand.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import errand.model.JobStatus;

/**
 * Status names as SQL literals, built from {@link JobStatus} so that a statement never spells a status by hand: a
 * renamed or removed constant fails to compile instead of matching nothing. Used to build statement constants once.
 */
public final class StatusSql {

    private StatusSql() {
    }

    /** {@code 'QUEUED'}. */
    public static String literal(JobStatus status) {
        return "'" + status.name() + "'";
    }

    /** {@code ('QUEUED', 'RUNNING')}, in the enum's order. */
    public static String list(Collection<JobStatus> statuses) {
        return statuses.stream().sorted().map(StatusSql::literal).collect(Collectors.joining(", ", "(", ")"));
    }

    /** The statuses that match, as a list for {@code in}. */
    public static String listOf(Predicate<JobStatus> filter) {
        return list(Arrays.stream(JobStatus.values()).filter(filter).toList());
    }
}
