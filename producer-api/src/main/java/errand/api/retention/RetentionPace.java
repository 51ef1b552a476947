package errand.api.retention;

import java.time.Duration;

/**
 * How long a retention pass rests after a full batch, so that deleting takes at most {@code workShare} of its time.
 * A backlog of millions of old jobs (a first start with retention, a shortened retention) then drains beside the
 * traffic instead of taking a database core away from submits until it is gone.
 *
 * @param workShare the share of a pass's wall time spent deleting, above 0 and at most 1 (1: no rest)
 */
record RetentionPace(double workShare) {

    RetentionPace {
        if (!(workShare > 0 && workShare <= 1)) {
            throw new IllegalArgumentException("work share must be in (0, 1], was " + workShare);
        }
    }

    /** The rest after a batch that took {@code work}: the idle time that keeps deleting at its share. */
    Duration restAfter(Duration work) {
        return Duration.ofNanos(Math.round(work.toNanos() * (1 - workShare) / workShare));
    }
}
