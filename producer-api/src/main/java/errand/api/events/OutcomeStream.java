package errand.api.events;

import java.io.IOException;
import java.util.List;

import errand.api.changes.JobChangeHub;
import errand.api.changes.SseLoop;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client's outcome stream. A round reads the horizon (how far events are numbered), sends the tenant's events up
 * to it that pass the filter, and moves its cursor to it, so a narrow filter never re-reads what it skipped. A cursor
 * the retention overtook, at the start or later, gets a {@code reset} event and goes on from the horizon.
 */
final class OutcomeStream extends SseLoop {

    private final String tenant;
    private final EventFilter filter;
    private final EventLog log;
    private final int batchSize;
    /** The last event number this client has seen, or skipped as not its own. */
    private long cursor;

    OutcomeStream(String tenant, EventFilter filter, long lastSeen, EventLog log,
            EventsProperties properties, JobChangeHub.Subscription subscription, SseEmitter emitter) {
        super("errand-events-sse-" + tenant, "the events of tenant " + tenant, subscription, emitter,
                properties.heartbeat());
        this.tenant = tenant;
        this.filter = filter;
        this.log = log;
        this.batchSize = properties.batchSize();
        this.cursor = lastSeen;
    }

    @Override
    protected boolean runOnce() throws IOException, InterruptedException {
        EventLog.Horizon horizon = log.horizon();
        long from = placeCursor(horizon);
        List<JobEvent> page = log.between(tenant, from, horizon.lastSeq(), filter, batchSize);
        for (JobEvent event : page) {
            send(SseEmitter.event().id(Long.toString(event.seq())).name("job")
                    .data(event.data(), MediaType.APPLICATION_JSON));
        }
        if (page.size() == batchSize) {
            cursor = page.getLast().seq();
            return true;
        }
        cursor = horizon.lastSeq();
        awaitChangeOrKeepAlive();
        return true;
    }

    /** Where this round reads from: the cursor, or the horizon after a {@code reset} when it cannot resume. */
    private long placeCursor(EventLog.Horizon horizon) throws IOException {
        if (horizon.canResumeAfter(cursor)) {
            return cursor;
        }
        send(SseEmitter.event().id(Long.toString(horizon.lastSeq())).name("reset")
                .data(new Reset(cursor, "Events after " + cursor + " are no longer kept (or were never sent): "
                        + "read the jobs' state from the lists, then follow this stream"),
                        MediaType.APPLICATION_JSON));
        return horizon.lastSeq();
    }

    /**
     * The data of a {@code reset} event.
     *
     * @param lastEventId the id the stream could not resume after
     * @param reason      why, for people
     */
    record Reset(long lastEventId, String reason) {
    }
}
