package errand.api.changes;

import java.io.IOException;
import java.time.Duration;

import errand.api.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A server-sent event stream on its own virtual thread, woken by a {@link JobChangeHub.Subscription}: a round sends
 * what changed, then {@link #awaitChangeOrKeepAlive} waits for the next change or sends a keep-alive comment. A
 * client that goes ends the stream quietly; any other failure ends it with an error. The subscription is closed when
 * the stream ends.
 */
public abstract class SseLoop extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(SseLoop.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** What the stream follows, for the log ("job …", "batch …"). */
    private final String subject;
    private final JobChangeHub.Subscription subscription;
    private final Duration keepAlive;
    private final SseEmitter emitter;
    /** When the stream last sent anything, event or comment ({@link System#nanoTime()}). */
    private long lastSent = System.nanoTime();

    protected SseLoop(String name, String subject, JobChangeHub.Subscription subscription, SseEmitter emitter) {
        this(name, subject, subscription, emitter, KEEP_ALIVE);
    }

    protected SseLoop(String name, String subject, JobChangeHub.Subscription subscription, SseEmitter emitter,
            Duration keepAlive) {
        // a failed stream ends, so it never pauses
        super(name, Threads.VIRTUAL, Duration.ZERO);
        this.subject = subject;
        this.subscription = subscription;
        this.emitter = emitter;
        this.keepAlive = keepAlive;
    }

    /** Sends one event. */
    protected void send(SseEmitter.SseEventBuilder event) throws IOException {
        emitter.send(event);
        lastSent = System.nanoTime();
    }

    /** Ends the stream: the client sees it close. */
    protected void complete() {
        emitter.complete();
    }

    /**
     * Waits for the next change; sends a keep-alive comment once the stream sent nothing for the keep-alive interval
     * (15 s unless the stream says otherwise), so proxies keep it open, even when changes keep waking a stream that
     * has nothing to send for them.
     */
    protected void awaitChangeOrKeepAlive() throws IOException, InterruptedException {
        Duration quiet = Duration.ofNanos(System.nanoTime() - lastSent);
        if (quiet.compareTo(keepAlive) >= 0 || !subscription.awaitChange(keepAlive.minus(quiet))) {
            send(SseEmitter.event().comment("keep-alive"));
        }
    }

    @Override
    protected boolean onFailure(Exception e) {
        if (e instanceof IOException || e instanceof IllegalStateException) {
            log.debug("Event stream of {} ended by the client: {}", subject, e.getMessage());
        } else {
            log.warn("Event stream of {} failed", subject, e);
            emitter.completeWithError(e);
        }
        return false;
    }

    @Override
    protected void onInterrupted() {
        emitter.complete();
    }

    @Override
    protected void onEnd() {
        subscription.close();
    }
}
