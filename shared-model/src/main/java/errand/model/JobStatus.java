package errand.model;

/**
 * The states of a job. The legal moves are defined here, once.
 *
 * <ul>
 *   <li>{@code QUEUED}: accepted and waiting in the broker; a worker's start moves it to RUNNING, a cancel to
 *       CANCELLED.
 *   <li>{@code RUNNING}: a worker runs an attempt; its outcome moves it to SUCCEEDED, FAILED, RETRYING or CANCELLED.
 *   <li>{@code RETRYING}: a failed attempt waits in a broker delay queue; its redelivery moves it back to QUEUED.
 *   <li>{@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}: terminal, never change. A retry of a FAILED or
 *       CANCELLED job is an explicit call that records a new attempt, not a transition of this table.
 * </ul>
 */
public enum JobStatus {
    QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED, CANCELLED;

    public boolean canMoveTo(JobStatus next) {
        return switch (this) {
            case QUEUED -> next == RUNNING || next == CANCELLED;
            case RUNNING -> next == SUCCEEDED || next == FAILED || next == CANCELLED || next == RETRYING;
            case RETRYING -> next == QUEUED || next == CANCELLED;
            case SUCCEEDED, FAILED, CANCELLED -> false;
        };
    }

    public boolean isTerminal() {
        return switch (this) {
            case QUEUED, RUNNING, RETRYING -> false;
            case SUCCEEDED, FAILED, CANCELLED -> true;
        };
    }
}
