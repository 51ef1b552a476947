package errand.api.changes;

import java.io.IOException;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One resource (a job, a workflow) as server-sent events: the resource at once, then again each time it changed,
 * and the stream closes after it reached its final state. Woken by the change hub on the resource's id.
 */
public final class SnapshotStream<T> extends SseLoop {

    /** A stream lasts until its resource is final or the client goes. */
    private static final long NO_TIMEOUT = 0L;

    private final @Nullable String eventName;
    private final Supplier<T> read;
    private final Predicate<T> isFinal;
    private @Nullable T last;
    private long sequence;

    private SnapshotStream(String subject, UUID id, JobChangeHub.Subscription subscription, SseEmitter emitter,
            @Nullable String eventName, Supplier<T> read, Predicate<T> isFinal) {
        super("errand-sse-" + id, subject, subscription, emitter);
        this.eventName = eventName;
        this.read = read;
        this.isFinal = isFinal;
    }

    /**
     * Starts following {@code id}, named {@code subject} in the log. It subscribes before the first read, so no change
     * falls between them; a first read that fails (the resource is not found) fails the request instead.
     *
     * @param eventName the events' name, or null for unnamed ({@code message}) events
     */
    public static <T> SseEmitter open(JobChangeHub changes, UUID id, String subject, @Nullable String eventName,
            Supplier<T> read, Predicate<T> isFinal) {
        JobChangeHub.Subscription subscription = changes.subscribe(id);
        try {
            read.get();
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
        new SnapshotStream<>(subject, id, subscription, emitter, eventName, read, isFinal).start();
        return emitter;
    }

    @Override
    protected boolean runOnce() throws IOException, InterruptedException {
        T current = read.get();
        if (!Objects.equals(current, last)) {
            SseEmitter.SseEventBuilder event = SseEmitter.event().id(Long.toString(++sequence));
            send((eventName == null ? event : event.name(eventName)).data(current, MediaType.APPLICATION_JSON));
            last = current;
        }
        if (isFinal.test(current)) {
            complete();
            return false;
        }
        awaitChangeOrKeepAlive();
        return true;
    }
}
