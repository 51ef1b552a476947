package errand.worker.runtime.reporting;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import errand.amqp.Confirms;
import errand.model.EventBodies;
import errand.model.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes the outcomes that are ready at the same moment as one message on {@code errand.results}, a set
 * ({@link EventBodies}): the broker then stores, confirms, delivers and acknowledges one message for them instead of
 * one each, and the API takes them in one delivery. One thread publishes a set and waits for its confirm; what the
 * attempts hand in meanwhile gathers into the next set. So a lone outcome goes out at once, on its own and exactly as
 * before (with its {@code correlation_id} and {@code traceparent}), and under load the sets grow with the broker's
 * confirm latency, up to {@code eventsPerMessage} events or {@link #BYTES_PER_SET}.
 *
 * <p>Every event of a set shares the set's publisher-confirm correlation, so an attempt judges its outcome's publish
 * as before ({@link Confirms}), and publishes it again (into a later set) if it was not confirmed.
 *
 * <p><b>Threads:</b> {@link #gather} from any thread; the publishing thread of its own holds one channel
 * ({@link RabbitTemplate#invoke}) while it lives, and takes a new one after a failed publish.
 */
public final class EventSets implements AutoCloseable {

    /** A set stops growing past this many bytes of events, unless its first event alone is larger. */
    static final int BYTES_PER_SET = 256 * 1024;

    private static final Duration NO_CHANNEL_PAUSE = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(EventSets.class);

    private final RabbitTemplate template;
    private final int eventsPerMessage;
    private final Duration confirmTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition gathered = lock.newCondition();
    private final Deque<Gathering> waiting = new ArrayDeque<>();
    private final Thread publisher;
    private boolean closed;

    public EventSets(RabbitTemplate template, int eventsPerMessage, Duration confirmTimeout) {
        this.template = template;
        this.eventsPerMessage = eventsPerMessage;
        this.confirmTimeout = confirmTimeout;
        this.publisher = Thread.ofPlatform().name("errand-event-sets").daemon().unstarted(this::run);
    }

    public EventSets start() {
        publisher.start();
        return this;
    }

    /**
     * Hands in an event message, as {@link ReportMessages#event} builds it, for the next set.
     *
     * @return the correlation of the set it goes out in: confirmed when the broker took the set, failed if the set
     *         could not be published
     */
    CorrelationData gather(Message event) {
        lock.lock();
        try {
            if (closed) {
                CorrelationData refused = AttemptReporter.nextCorrelation();
                refused.getFuture().completeExceptionally(new IllegalStateException("the worker is stopping"));
                return refused;
            }
            Gathering last = waiting.peekLast();
            if (last == null || !last.fits(event.getBody().length, eventsPerMessage)) {
                last = new Gathering();
                waiting.addLast(last);
                gathered.signal();
            }
            last.add(event);
            return last.correlation;
        } finally {
            lock.unlock();
        }
    }

    /** Stops publishing; what is still gathered fails, so its attempts give their deliveries back. */
    @Override
    public void close() {
        List<Gathering> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(waiting);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        publisher.interrupt();
        left.forEach(set -> set.fail(new IllegalStateException("the worker is stopping")));
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                template.invoke(operations -> {
                    publishWhileTheChannelLasts();
                    return null;
                });
            } catch (RuntimeException ex) {
                // no channel (the broker is unreachable, the connection factory closing): what waits fails now, so
                // its attempts publish it again after their pause rather than when their confirm times out
                failWaiting(ex);
                log.debug("No channel to publish job events on: {}", ex.toString());
                pause();
            }
        }
    }

    /** Returns after a publish failed (the channel is then given up) or once the thread is interrupted. */
    private void publishWhileTheChannelLasts() {
        for (;;) {
            Gathering set;
            try {
                set = next();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            Message message = set.message();
            try {
                template.send(Topology.RESULTS_EXCHANGE, "", message, set.correlation);
            } catch (RuntimeException ex) {
                set.fail(ex);
                return;
            }
            try {
                // the next set gathers while this one is confirmed; the attempts judge the outcome themselves
                Confirms.await(set.correlation, System.nanoTime() + confirmTimeout.toNanos());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Gathering next() throws InterruptedException {
        lock.lock();
        try {
            while (waiting.isEmpty()) {
                gathered.await();
            }
            return waiting.removeFirst();
        } finally {
            lock.unlock();
        }
    }

    private void failWaiting(Throwable cause) {
        List<Gathering> failed;
        lock.lock();
        try {
            failed = new ArrayList<>(waiting);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        failed.forEach(set -> set.fail(cause));
    }

    private void pause() {
        try {
            TimeUnit.NANOSECONDS.sleep(NO_CHANNEL_PAUSE.toNanos());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** The events of one set, while they gather; guarded by the lock until taken. */
    private static final class Gathering {

        private final CorrelationData correlation = AttemptReporter.nextCorrelation();
        private final List<Message> events = new ArrayList<>();
        private int bytes;

        boolean fits(int eventBytes, int maxEvents) {
            return events.size() < maxEvents && bytes + eventBytes <= BYTES_PER_SET;
        }

        void add(Message event) {
            events.add(event);
            bytes += event.getBody().length;
        }

        /** A lone event as it was handed in; several as one set. */
        Message message() {
            return events.size() == 1 ? events.getFirst() : ReportMessages.eventSet(events);
        }

        void fail(Throwable cause) {
            correlation.getFuture().completeExceptionally(cause);
        }
    }
}
