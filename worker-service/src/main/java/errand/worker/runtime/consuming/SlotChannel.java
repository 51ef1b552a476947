package errand.worker.runtime.consuming;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.ShutdownSignalException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;

/**
 * The one consumer of a {@link JobSlot} on the type's job queue, registered on the type's shared {@link TypeChannel}
 * (the type's prefetch per consumer): consuming while the slot is free, cancelled while the slot runs a leased job
 * or stops.
 *
 * <p><b>Threads:</b> the slot's thread consumes and ends; any thread may {@link #cancel()} (an attempt's thread
 * converting a lease or settling while parked, or the runtime stopping). One lock orders them; the state is readable
 * without it.
 */
final class SlotChannel {

    private static final Logger log = LoggerFactory.getLogger(SlotChannel.class);

    private final String name;
    private final String queue;
    private final TypeChannel typeChannel;
    private final AmqpAdmin admin;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable Channel channel;
    private volatile @Nullable String consumerTag;

    SlotChannel(String name, String queue, TypeChannel typeChannel, AmqpAdmin admin) {
        this.name = name;
        this.queue = queue;
        this.typeChannel = typeChannel;
        this.admin = admin;
    }

    /** The channel this slot's deliveries arrive on now, if any. */
    @Nullable Channel current() {
        return channel;
    }

    /** Whether a consumer is registered on an open channel. */
    boolean consuming() {
        Channel current = channel;
        return consumerTag != null && current != null && current.isOpen();
    }

    /**
     * Starts consuming on the type's channel, which opens if it is not open; {@code consumers} makes the consumer for
     * the channel. False if that failed (logged; a missing queue is declared again).
     */
    boolean consume(Function<Channel, Consumer> consumers) {
        lock.lock();
        try {
            Channel current = typeChannel.open();
            channel = current;
            consumerTag = current.basicConsume(queue, false, consumers.apply(current));
            return true;
        } catch (IOException | RuntimeException ex) {
            log.warn("Slot {} cannot consume from {}: {}", name, queue, ex.toString());
            if (isQueueMissing(ex)) {
                redeclare();
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the consumer ({@code basic.cancel}, waiting for the broker's answer); nothing if there is none. */
    void cancel() throws IOException {
        lock.lock();
        try {
            cancelCurrent();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels the consumer {@code tag} if it is still the slot's consumer; nothing otherwise. An attempt's thread
     * settling a delivery late must not cancel the consumer the slot started since: the slot would wait, consuming
     * nothing, while its gate counts on it to take the type's next job.
     */
    void cancel(String tag) throws IOException {
        lock.lock();
        try {
            if (tag.equals(consumerTag)) {
                cancelCurrent();
            } else if (consumerTag != null) {
                log.debug("Slot {}: a late cancel of its earlier consumer {} left its consumer {} in place", name, tag,
                        consumerTag);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The broker cancelled the consumer, or closed its channel: forgets it, if it is still the current one. */
    void lost(Channel lostChannel, String lostTag) {
        lock.lock();
        try {
            if (lostChannel == channel && lostTag.equals(consumerTag)) {
                consumerTag = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the slot's consumer for good; the type's channel stays open for the other slots (the runtime closes it once
     * they all ended, which requeues whatever it still holds).
     */
    void end() {
        try {
            cancel();
        } catch (IOException | RuntimeException ex) {
            log.debug("Slot {}: cancelling its consumer failed: {}", name, ex.toString());
        } finally {
            channel = null;
        }
    }

    private void cancelCurrent() throws IOException {
        String tag = consumerTag;
        Channel current = channel;
        consumerTag = null;
        if (tag != null && current != null && current.isOpen()) {
            current.basicCancel(tag);
        }
    }

    private void redeclare() {
        try {
            admin.initialize();
        } catch (RuntimeException ex) {
            log.debug("Slot {}: declaring the topology again failed: {}", name, ex.toString());
        }
    }

    private static boolean isQueueMissing(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ShutdownSignalException signal
                    && signal.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == AMQP.NOT_FOUND) {
                return true;
            }
        }
        return false;
    }
}
