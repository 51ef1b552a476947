package errand.api;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A named thread that runs rounds until it is stopped or a round says it is done: the outbox relay, the job change
 * listener, the periodic chores and each server-sent event stream. A round that throws is handed to
 * {@link #onFailure}, which logs it and says whether to go on; the loop then pauses {@code failurePause} before the
 * next round. A failure after {@link #stop()} is not reported: stopping interrupts the thread, and whatever it was
 * doing fails.
 *
 * <p><b>Threads:</b> each loop runs on one thread of its own, a platform daemon thread or a virtual thread, named
 * after the loop; {@link #runOnce}, {@link #onFailure}, {@link #onInterrupted} and {@link #onEnd} run on it.
 * {@link #start()} and {@link #stop()} are called from any thread (as beans, by the application context).
 */
public abstract class BackgroundLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BackgroundLoop.class);

    /** The kind of thread a loop runs on. */
    public enum Threads {
        /** A platform daemon thread: for the few loops that live as long as the application. */
        PLATFORM,
        /** A virtual thread: for loops that mostly wait, one per client. */
        VIRTUAL
    }

    private final String name;
    private final Threads threads;
    private final Duration failurePause;
    private volatile boolean running;
    private volatile @Nullable Thread thread;

    protected BackgroundLoop(String name, Threads threads, Duration failurePause) {
        this.name = name;
        this.threads = threads;
        this.failurePause = failurePause;
    }

    /**
     * One round. It may wait (for work, or until its next turn); an interrupt means the loop is being stopped.
     *
     * @return false when the loop is done and its thread should end
     */
    protected abstract boolean runOnce() throws Exception;

    /**
     * A round failed. Logs it and answers true to run the next round after {@code failurePause}, or false to end
     * the loop. By default, a warning without the stack trace (failures here are expected to be outages), and on.
     */
    protected boolean onFailure(Exception e) {
        log.warn("{} failed a round, retrying in {}: {}", name, failurePause, e.getMessage());
        return true;
    }

    /** The thread was interrupted while the loop was running, which ends it. Nothing by default. */
    protected void onInterrupted() {
    }

    /** The loop ends, whatever the reason: release what it holds. Nothing by default. */
    protected void onEnd() {
    }

    /** The loop's name, which is also its thread's. */
    protected final String name() {
        return name;
    }

    private void loop() {
        try {
            while (running) {
                try {
                    if (!runOnce()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    if (!running || !onFailure(e)) {
                        return;
                    }
                    Thread.sleep(failurePause);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (running) {
                onInterrupted();
            }
        } finally {
            running = false;
            onEnd();
        }
    }

    @Override
    public void start() {
        running = true;
        Thread.Builder builder = switch (threads) {
            case PLATFORM -> Thread.ofPlatform().daemon();
            case VIRTUAL -> Thread.ofVirtual();
        };
        thread = builder.name(name).start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        Thread current = thread;
        if (current != null) {
            current.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
