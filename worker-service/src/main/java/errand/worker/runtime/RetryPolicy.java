package errand.worker.runtime;

import java.time.Instant;

import errand.model.Failure;
import errand.model.JobMessage;

/**
 * Decides what follows a failed attempt: another attempt, parked in a retry tier for its {@link Backoff}, or the
 * dead-letter queue. A failure is retried when it is retryable and the job has attempts left; otherwise the job
 * fails for good and is dead-lettered, with the reason. Thread-safe as its {@code Backoff} is: one per task type, used
 * by all of the type's slots.
 */
public final class RetryPolicy {

    /** What follows the failed attempt. */
    public sealed interface Decision {
    }

    /**
     * Park {@code next} in {@code plan}'s tier; it runs again at about {@code at}.
     *
     * @param at when the next attempt is due, the failed event's {@code retryAt}
     */
    public record Retry(JobMessage next, Backoff.RetryPlan plan, Instant at) implements Decision {
    }

    /** The job failed for good: dead-letter it, saying why. */
    public record DeadLetter(String reason) implements Decision {
    }

    private final Backoff backoff;

    public RetryPolicy(Backoff backoff) {
        this.backoff = backoff;
    }

    /** What follows {@code job}'s attempt, which failed with {@code failure} at {@code now}. */
    public Decision after(JobMessage job, Failure failure, Instant now) {
        if (failure.retryable() && job.hasAttemptsLeft()) {
            Backoff.RetryPlan plan = backoff.after(job.attempt());
            return new Retry(job.nextAttempt(), plan, now.plus(plan.delay()));
        }
        return new DeadLetter((failure.retryable() ? "attempts exhausted" : "not retryable") + " after attempt "
                + job.attempt() + " of " + job.maxAttempts() + ": " + failure.type() + ": " + failure.message());
    }
}
