package errand.worker.runtime.consuming;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import errand.worker.runtime.leasing.Leasing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

/**
 * One slot of a task type: at most one consumer on the type's job queue, on the channel the type's slots share
 * ({@link TypeChannel}), with the type's prefetch: 1, so the worker never holds a delivery it cannot start at once,
 * or for a quick type a few, so the next job is at hand when one ends. While free, the slot consumes; each delivery
 * is handled by its {@link Handler} on a virtual thread of its own (the attempt's thread), and the slot takes the next
 * once that attempt's work ended ({@link HeldDelivery#workEnded()}): the attempt goes on to publish its outcome, wait
 * for the broker's confirm and settle the delivery while the slot runs the next job, so a quick type's slot never
 * waits on a confirm. When the handler converts a long job's delivery to a lease ({@link Leasing}), it cancels the
 * slot's consumer before acknowledging, and gives back the deliveries waiting behind it: the slot stays busy and
 * takes nothing new until the leased job ended, then consumes again on the same channel.
 *
 * <p><b>Threads:</b> the slot's own thread (a virtual thread, {@link #run()}) owns its {@link SlotChannel}: consumes,
 * starts each delivery's attempt and waits for its work to end, and consumes again after the channel closed (lost
 * connection, broker restart), after 1 s, doubling up to 10 s; it ends only after its attempts ended. The client
 * library's dispatch thread only queues deliveries and notices for it. {@link #stop()} may be called from any
 * thread; it cancels the consumer at once.
 *
 * <p><b>Ack mode:</b> manual, by the handler through {@link HeldDelivery}, on the attempt's thread. A delivery
 * arriving while the slot stops (before the broker confirmed the cancel), or left in the slot's inbox when it ends,
 * is rejected with requeue, unprocessed; a delivery whose channel closed before the slot got to it is dropped, since
 * the broker requeued it with its channel. A handler that throws (a bug) has its delivery rejected with requeue; the
 * queue's delivery limit ends a loop.
 */
public final class JobSlot implements Runnable {

    /** Handles one delivery on its attempt's thread and settles it. */
    @FunctionalInterface
    interface Handler {
        void onDelivery(Message message, HeldDelivery delivery);
    }

    /** What the slot is doing, for readiness. */
    public enum State { CONNECTING, CONSUMING, BUSY, PARKED, STOPPED }

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(JobSlot.class);
    private static final DefaultMessagePropertiesConverter PROPERTIES = new DefaultMessagePropertiesConverter();

    private sealed interface Signal {
        record Delivered(Channel channel, String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                byte[] body, long receivedNanos) implements Signal {
        }

        record Lost(Channel channel, String consumerTag) implements Signal {
        }

        record Stop() implements Signal {
        }

        record Wake() implements Signal {
        }
    }

    private final String name;
    private final String queue;
    private final SlotChannel channel;
    private final Handler handler;
    private final SlotGate gate;
    private final BlockingQueue<Signal> inbox = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Set<Thread> attempts = ConcurrentHashMap.newKeySet();
    private volatile boolean busy;
    private volatile boolean stopping;
    /** Parked by its {@link SlotGate}: no consumer, until woken. Written by the slot and its attempts' threads. */
    private volatile boolean parked;

    public JobSlot(String name, String queue, TypeChannel typeChannel, AmqpAdmin admin, Handler handler,
            SlotGate gate) {
        this.name = name;
        this.queue = queue;
        this.channel = new SlotChannel(name, queue, typeChannel, admin);
        this.handler = handler;
        this.gate = gate;
    }

    public String name() {
        return name;
    }

    @Override
    public void run() {
        Duration backoff = FIRST_BACKOFF;
        parked = !gate.consumeOrPark(this::wake);
        try {
            while (!stopping) {
                if (!parked && !channel.consuming()) {
                    if (!consume()) {
                        Signal signal = inbox.poll(backoff.toNanos(), TimeUnit.NANOSECONDS);
                        Duration doubled = backoff.multipliedBy(2);
                        backoff = doubled.compareTo(MAX_BACKOFF) < 0 ? doubled : MAX_BACKOFF;
                        if (signal != null) {
                            dispatch(signal);
                        }
                        continue;
                    }
                    backoff = FIRST_BACKOFF;
                }
                dispatch(inbox.take());
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            channel.end();
            giveBackUnhandled();
            awaitAttempts();
            finished.countDown();
        }
    }

    /**
     * Gives back every delivery from now on, without cancelling the consumer yet: the worker calls it on every slot
     * before it says it is stopping, so no slot starts a job after that.
     */
    public void refuseDeliveries() {
        stopping = true;
    }

    /** Stops taking deliveries now (cancels the consumer); the slot's thread ends once its job, if any, is settled. */
    public void stop() {
        refuseDeliveries();
        try {
            channel.cancel();
        } catch (IOException | RuntimeException ex) {
            log.debug("Slot {}: cancelling its consumer failed: {}", name, ex.toString());
        }
        inbox.add(new Signal.Stop());
    }

    /** Waits until the slot's thread ended, at most {@code timeout}; true if it did. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public State state() {
        if (finished.getCount() == 0) {
            return State.STOPPED;
        }
        if (busy) {
            return State.BUSY;
        }
        return parked ? State.PARKED : channel.consuming() ? State.CONSUMING : State.CONNECTING;
    }

    /** Consumes unless the slot stops meanwhile; false if that failed. */
    private boolean consume() {
        return stopping || channel.consume(SlotConsumer::new);
    }

    private void dispatch(Signal signal) throws InterruptedException {
        switch (signal) {
            case Signal.Stop _ -> {
            }
            case Signal.Wake _ -> parked = false;
            case Signal.Lost lost -> channel.lost(lost.channel(), lost.consumerTag());
            case Signal.Delivered delivered -> handle(delivered);
        }
    }

    private void handle(Signal.Delivered delivered) throws InterruptedException {
        if (delivered.channel() != channel.current() || !delivered.channel().isOpen()) {
            return;
        }
        ChannelDelivery held = new ChannelDelivery(delivered);
        // A parked slot cancelled its consumer before settling its last delivery, so none should reach it.
        if (stopping || parked) {
            rejectQuietly(held);
            return;
        }
        busy = true;
        try {
            Thread attempt = Thread.ofVirtual().name("errand-attempt-" + name).unstarted(() -> attempt(held));
            attempts.add(attempt);
            attempt.start();
            held.awaitWorkEnded();
        } finally {
            if (parked) {
                cancelQuietly(delivered.consumerTag());
            }
            busy = false;
        }
    }

    /** On the attempt's own thread: the delivery's whole handling, its outcome's confirm and its settling included. */
    private void attempt(ChannelDelivery held) {
        Signal.Delivered delivered = held.delivered;
        try {
            Message message = new Message(delivered.body(), PROPERTIES.toMessageProperties(delivered.properties(),
                    delivered.envelope(), "UTF-8"));
            handler.onDelivery(message, held);
        } catch (RuntimeException ex) {
            log.error("Slot {}: unexpected error handling a delivery; requeueing it", name, ex);
            rejectQuietly(held);
        } finally {
            held.workEnded();
            attempts.remove(Thread.currentThread());
        }
    }

    /** Waits for the attempts still settling their deliveries, so none is left behind when the slot ends. */
    private void awaitAttempts() {
        for (Thread attempt : List.copyOf(attempts)) {
            try {
                attempt.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                attempts.forEach(Thread::interrupt);
                return;
            }
        }
    }

    /**
     * After the slot's consumer was cancelled for a leased job: the deliveries waiting behind that job go back to the
     * queue, so none waits for a job that may run for hours (and none is held past the broker's consumer timeout).
     * Only an attempt's thread calls it, while the slot's thread waits for that attempt, so nothing else takes from
     * the inbox meanwhile.
     */
    private void giveBackWaiting() {
        List<Signal> signals = new ArrayList<>();
        inbox.drainTo(signals);
        for (Signal signal : signals) {
            if (signal instanceof Signal.Delivered waiting) {
                if (waiting.channel().isOpen()) {
                    rejectQuietly(new ChannelDelivery(waiting));
                }
            } else {
                inbox.add(signal);
            }
        }
    }

    /** Called by the gate, on any slot's thread, when this parked slot may consume again. */
    private void wake() {
        inbox.add(new Signal.Wake());
    }

    private void cancelQuietly(String consumerTag) {
        try {
            channel.cancel(consumerTag);
        } catch (IOException | RuntimeException ex) {
            log.debug("Slot {}: cancelling its consumer failed: {}", name, ex.toString());
        }
    }

    /** Deliveries that arrived after the slot stopped taking any: back to the queue, on their still open channel. */
    private void giveBackUnhandled() {
        for (Signal signal = inbox.poll(); signal != null; signal = inbox.poll()) {
            if (signal instanceof Signal.Delivered delivered && delivered.channel().isOpen()) {
                rejectQuietly(new ChannelDelivery(delivered));
            }
        }
    }

    private void rejectQuietly(HeldDelivery held) {
        try {
            held.reject(true);
        } catch (IOException | RuntimeException ex) {
            log.debug("Slot {}: could not reject a delivery: {}", name, ex.toString());
        }
    }

    /** Receives on the client library's dispatch thread; only queues signals for the slot's thread. */
    private final class SlotConsumer extends DefaultConsumer {

        SlotConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            inbox.add(new Signal.Delivered(getChannel(), tag, envelope, properties, body, System.nanoTime()));
        }

        @Override
        public void handleCancel(String tag) {
            log.warn("Slot {}: the broker cancelled its consumer on {} (queue deleted?); consuming again", name, queue);
            inbox.add(new Signal.Lost(getChannel(), tag));
        }

        @Override
        public void handleShutdownSignal(String tag, ShutdownSignalException cause) {
            if (!cause.isInitiatedByApplication()) {
                log.warn("Slot {}: its channel was closed: {}; its delivery, if any, goes back to the queue", name,
                        cause.getMessage());
            }
            inbox.add(new Signal.Lost(getChannel(), tag));
        }
    }

    /** The delivery a slot holds, settled on the channel it arrived on, by its attempt's thread. */
    private final class ChannelDelivery implements HeldDelivery {

        private final Signal.Delivered delivered;
        private final CountDownLatch workDone = new CountDownLatch(1);
        private boolean started;

        ChannelDelivery(Signal.Delivered delivered) {
            this.delivered = delivered;
        }

        @Override
        public SlotGate.Start awaitStart() throws InterruptedException {
            SlotGate.Start start = gate.awaitStart(delivered.receivedNanos(), JobSlot.this::wake);
            started = start == SlotGate.Start.STARTED;
            if (start == SlotGate.Start.HELD_TOO_LONG) {
                parked = true;
            }
            return start;
        }

        @Override
        public void workEnded() {
            if (started) {
                started = false;
                gate.ended();
                parked = !gate.consumeOrPark(JobSlot.this::wake);
            }
            workDone.countDown();
        }

        /** On the slot's thread: waits until this delivery's attempt says its work ended, or the attempt ended. */
        void awaitWorkEnded() throws InterruptedException {
            workDone.await();
        }

        @Override
        public long receivedNanos() {
            return delivered.receivedNanos();
        }

        @Override
        public boolean isOpen() {
            return delivered.channel().isOpen();
        }

        @Override
        public void stopConsuming() throws IOException {
            if (delivered.channel() == channel.current()) {
                channel.cancel(delivered.consumerTag());
                giveBackWaiting();
            }
        }

        @Override
        public void ack() throws IOException {
            cancelIfParked();
            delivered.channel().basicAck(delivered.envelope().getDeliveryTag(), false);
        }

        @Override
        public void reject(boolean requeue) throws IOException {
            cancelIfParked();
            delivered.channel().basicReject(delivered.envelope().getDeliveryTag(), requeue);
        }

        /**
         * A slot that parks cancels the consumer this delivery came to before settling, or settling would bring it a
         * new delivery. Only that consumer: the slot may have been woken and consumed again since.
         */
        private void cancelIfParked() throws IOException {
            if (parked) {
                channel.cancel(delivered.consumerTag());
            }
        }
    }
}
