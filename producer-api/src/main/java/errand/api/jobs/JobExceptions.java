package errand.api.jobs;

import java.util.List;
import java.util.UUID;

import errand.api.FieldError;
import errand.api.InvalidRequest;

/** The ways a jobs request fails that the client can act on; {@link JobProblems} maps each to its status. */
final class JobExceptions {

    private JobExceptions() {
    }

    /** 400: the request breaks the contract; every broken rule is listed. */
    static final class InvalidJob extends InvalidRequest {

        InvalidJob(List<FieldError> errors) {
            super(errors);
        }
    }

    /** 404. */
    static final class JobNotFound extends RuntimeException {
        private final String jobId;

        JobNotFound(String jobId) {
            super("No job has the id " + jobId);
            this.jobId = jobId;
        }

        String jobId() {
            return jobId;
        }
    }

    /** 409: the job's state does not allow what was asked. */
    static final class JobStateConflict extends RuntimeException {
        private final UUID jobId;

        JobStateConflict(UUID jobId, String message) {
            super(message);
            this.jobId = jobId;
        }

        UUID jobId() {
            return jobId;
        }
    }

    /** 409: an Idempotency-Key reused with a different request. */
    static final class IdempotencyConflict extends RuntimeException {
        private final UUID jobId;

        IdempotencyConflict(UUID jobId) {
            super("The Idempotency-Key was already used for job " + jobId + " with a different request");
            this.jobId = jobId;
        }

        UUID jobId() {
            return jobId;
        }
    }

    /** 429: too many jobs wait. */
    static final class TooManyQueued extends RuntimeException {
        TooManyQueued(long queued) {
            super(queued + " jobs are waiting; try again later");
        }
    }
}
