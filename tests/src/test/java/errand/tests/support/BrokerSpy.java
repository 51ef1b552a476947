package errand.tests.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import errand.testsupport.ErrandTestServices;

/**
 * A queue of the test's own, bound to {@code errand.jobs} for some routing keys (task types): every job message the
 * API publishes for those types lands here as well as in the workers' queue. It proves what reached the broker.
 */
public final class BrokerSpy implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;
    private final String queue;
    private final List<String> seen = new ArrayList<>();

    private BrokerSpy(Connection connection, Channel channel, String queue) {
        this.connection = connection;
        this.channel = channel;
        this.queue = queue;
    }

    /** Binds a new exclusive queue to the jobs exchange (which the API must have declared) for {@code types}. */
    public static BrokerSpy onJobsExchange(ErrandTestServices.Isolated services, String... types) throws Exception {
        Connection connection = services.openBroker();
        Channel channel = connection.createChannel();
        String queue = channel.queueDeclare("errand-test-spy-" + UUID.randomUUID(), false, true, true, null)
                .getQueue();
        for (String type : types) {
            channel.queueBind(queue, errand.model.Topology.JOBS_EXCHANGE, type);
        }
        return new BrokerSpy(connection, channel, queue);
    }

    /** The {@code message_id}s (job ids) of every message that has arrived so far, in arrival order. */
    public synchronized List<String> messageIds() throws Exception {
        GetResponse response;
        while ((response = channel.basicGet(queue, true)) != null) {
            seen.add(String.valueOf(response.getProps().getMessageId()));
        }
        return List.copyOf(seen);
    }

    /**
     * {@link #messageIds()} without those of {@code otherJobs}: on a shared platform, the ids of the jobs that existed
     * before the test acted ({@link JobTable#ids()}) are other tests' jobs, which may still be published (a delay,
     * a retry).
     */
    public List<String> messageIdsExcept(Set<String> otherJobs) throws Exception {
        return messageIds().stream().filter(id -> !otherJobs.contains(id)).toList();
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
