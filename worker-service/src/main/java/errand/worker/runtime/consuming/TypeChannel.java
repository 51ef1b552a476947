package errand.worker.runtime.consuming;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import com.rabbitmq.client.Channel;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;

/**
 * The one channel a worker consumes a task type's job queue on: every {@link JobSlot} of the type registers its own
 * consumer on it, with the type's prefetch per consumer ({@code basic.qos(prefetch, global=false)}): 1, so a slot
 * holds only the delivery it runs, or for a quick type a few, so the next job is at hand when one ends.
 *
 * <p>Why one channel and not one per slot: a quorum queue watches each consumer's channel and, when the channel ends,
 * returns the messages its consumers held, counting each return towards the queue's delivery limit. When a whole
 * connection ends (a crash, a network cut, the broker closing it), its channels end one by one as the queue sees them:
 * a message returned from the first may be handed to a consumer on a second channel of the same dead connection, then
 * returned again. With a channel per slot, one lost connection could spend as many deliveries of a job as the worker
 * has slots of its type, and dead-letter a healthy job (it did, with 16 slots and a limit of 5). With one channel per
 * type, a lost connection counts once.
 *
 * <p>The cost: a channel error (an unknown delivery tag, a delivery held past the broker's {@code consumer_timeout})
 * ends the channel for every slot of the type, and the broker requeues all their deliveries. Neither happens in normal
 * operation: each delivery is settled once, and a long job converts to a lease before the consumer timeout.
 *
 * <p><b>Threads:</b> any slot's thread opens it (the first after it closed opens a new one; one lock orders them);
 * the runtime closes it once every slot stopped. The client library serialises concurrent RPCs on a channel.
 */
public final class TypeChannel {

    private static final Logger log = LoggerFactory.getLogger(TypeChannel.class);

    private final String queue;
    private final ConnectionFactory connectionFactory;
    private final int prefetch;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Channel channel;
    private boolean closed;

    public TypeChannel(String queue, ConnectionFactory connectionFactory, int prefetch) {
        this.queue = queue;
        this.connectionFactory = connectionFactory;
        this.prefetch = prefetch;
    }

    /** The open channel, opening one with the type's prefetch per consumer if there is none (or it closed). */
    Channel open() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the consumer channel of " + queue + " is closed for good");
            }
            Channel current = channel;
            if (current == null || !current.isOpen()) {
                current = connectionFactory.createConnection().createChannel(false);
                current.basicQos(prefetch);
                channel = current;
            }
            return current;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the channel for good (a consumer's channel must not go back to the connection factory's cache); the
     * broker requeues whatever deliveries it still holds.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            Channel current = channel;
            channel = null;
            if (current != null && current.isOpen()) {
                RabbitUtils.setPhysicalCloseRequired(current, true);
                current.close();
            }
        } catch (IOException | TimeoutException | RuntimeException ex) {
            log.debug("Closing the consumer channel of {} failed: {}", queue, ex.toString());
        } finally {
            RabbitUtils.clearPhysicalCloseRequired();
            lock.unlock();
        }
    }
}
