package errand.api.events;

import java.time.Duration;

import errand.api.BackgroundLoop;
import errand.api.changes.JobChangeHub;
import org.springframework.stereotype.Component;

/**
 * Numbers staged job changes for the outcome stream, on one platform thread per API instance. Every instance runs
 * one; a database lock lets one at a time work, and the others skip the round. Woken by the notification each staging
 * transaction sends, which every instance receives: the instance at work runs another round for changes that
 * committed while it worked. A round also runs every second without one, for changes a crashed instance left.
 */
@Component
class EventSequencer extends BackgroundLoop {

    private static final Duration IDLE = Duration.ofSeconds(1);

    private final EventLog log;
    private final int batchSize;
    private final JobChangeHub.Subscription staged;

    EventSequencer(EventLog log, EventsProperties properties, JobChangeHub changes) {
        super("errand-event-sequencer", Threads.PLATFORM, IDLE);
        this.log = log;
        this.batchSize = properties.batchSize();
        this.staged = changes.subscribe(JobChangeHub.EVENTS_STAGED);
    }

    @Override
    protected boolean runOnce() throws InterruptedException {
        if (log.sequence(batchSize) < batchSize) {
            staged.awaitChange(IDLE);
        }
        return true;
    }
}
