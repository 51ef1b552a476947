package errand.tests.support;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import errand.model.EventBodies;
import errand.model.JobEvent;
import errand.model.Topology;
import errand.model.WireJson;
import errand.testsupport.ErrandTestServices;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * The failure suite's independent witness of what the workers did: a queue of the test's own bound to the
 * {@code errand.results} fanout, so it receives a copy of every event any worker publishes, also while every API
 * instance is down. From the events it counts executions: one execution is one run of a handler, identified by
 * (worker, attempt, start time), which every Started, Succeeded and Failed event carries. A job whose delivery was
 * redelivered after a crash keeps its attempt number, so the job store cannot show that it ran twice; this can.
 *
 * <p>Its connection is named {@code errand-tests-ledger}, so {@link BrokerControl#closeAppConnections} spares it, and
 * its queue is durable, so a broker blip loses nothing.
 *
 * <p><b>Threading:</b> events are recorded on the AMQP client's consumer thread; every query may be called from any
 * thread and sees the events recorded so far.
 */
public final class JobLedger implements AutoCloseable {

    private static final String QUEUE = "errand-tests-ledger";

    /** One handler run. */
    public record Execution(UUID jobId, int attempt, String workerId, Instant startedAt) {
    }

    /** An event as received, with when it was received on the test's clock. */
    public record Received(JobEvent event, Instant receivedAt) {
    }

    private final @Nullable Connection connection;
    private final Map<UUID, List<Received>> events = new ConcurrentHashMap<>();
    private final List<String> undecodable = new CopyOnWriteArrayList<>();

    private JobLedger(@Nullable Connection connection) {
        this.connection = connection;
    }

    /** A ledger fed only through {@link #record}, to test its counting without a broker. */
    static JobLedger unconnected() {
        return new JobLedger(null);
    }

    /** Declares (if needed) the results exchange and the ledger's queue, and starts recording. */
    public static JobLedger start(ErrandTestServices.Isolated services) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(services.amqpHost());
        factory.setPort(services.amqpPort());
        factory.setUsername(services.amqpUser());
        factory.setPassword(services.amqpPassword());
        factory.setVirtualHost(services.vhost());
        return start(factory, List.of(new Address(services.amqpHost(), services.amqpPort())), false,
                services.toString());
    }

    /**
     * The same on a {@link RabbitCluster}: its queue is a quorum queue, so it outlives any one node, the connection
     * recovers to another node, and each event is acknowledged only once recorded, so none is lost in a connection
     * that dies with its node (a redelivered event counts once: executions are sets).
     */
    public static JobLedger start(RabbitCluster cluster) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUsername(cluster.user());
        factory.setPassword(cluster.password());
        factory.setVirtualHost(cluster.vhost());
        return start(factory, List.of(Address.parseAddresses(cluster.addresses())), true, cluster.toString());
    }

    private static JobLedger start(ConnectionFactory factory, List<Address> addresses, boolean replicated,
            String where) {
        try {
            factory.setAutomaticRecoveryEnabled(true);
            factory.setNetworkRecoveryInterval(1_000);
            Connection connection = factory.newConnection(addresses, "errand-tests-ledger");
            JobLedger ledger = new JobLedger(connection);
            Channel channel = connection.createChannel();
            // the same declaration as the apps': a durable fanout
            channel.exchangeDeclare(Topology.RESULTS_EXCHANGE, "fanout", true, false, null);
            channel.queueDeclare(QUEUE, true, false, false, replicated ? Map.of("x-queue-type", "quorum") : null);
            channel.queueBind(QUEUE, Topology.RESULTS_EXCHANGE, "");
            if (replicated) {
                channel.basicQos(500);
            }
            channel.basicConsume(QUEUE, !replicated, "errand-tests-ledger", new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) throws IOException {
                    ledger.record(body);
                    if (replicated) {
                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                    }
                }
            });
            return ledger;
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot start the job ledger on " + where, e);
        }
    }

    /** Records one message from the results exchange, one event or a set of them (as the consumer does). */
    void record(byte[] message) {
        try {
            EventBodies.split(message).forEach(this::recordEvent);
        } catch (JacksonException e) {
            undecodable.add(new String(message, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private void recordEvent(byte[] body) {
        try {
            JobEvent event = WireJson.read(body, JobEvent.class);
            events.computeIfAbsent(event.jobId(), id -> new CopyOnWriteArrayList<>())
                    .add(new Received(event, Instant.now()));
        } catch (JacksonException | IllegalArgumentException e) {
            undecodable.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Every event of the job received so far, in arrival order. */
    public List<Received> eventsOf(UUID jobId) {
        return List.copyOf(events.getOrDefault(jobId, List.of()));
    }

    /**
     * The distinct handler runs of the job that reported anything. A run shorter than the worker's
     * {@code started-report-delay} sends no Started, only its outcome, which carries the run's start: it still counts
     * once, and a run that sent both counts once too.
     */
    public Set<Execution> executionsOf(UUID jobId) {
        Set<Execution> executions = new LinkedHashSet<>();
        for (Received received : eventsOf(jobId)) {
            switch (received.event()) {
                case JobEvent.Started e -> executions.add(new Execution(e.jobId(), e.attempt(), e.workerId(), e.at()));
                case JobEvent.Succeeded e ->
                        executions.add(new Execution(e.jobId(), e.attempt(), e.workerId(), e.startedAt()));
                case JobEvent.Failed e ->
                        executions.add(new Execution(e.jobId(), e.attempt(), e.workerId(), e.startedAt()));
                case JobEvent.Progress e -> {
                }
                case JobEvent.Leased e -> {
                }
            }
        }
        return executions;
    }

    /** The distinct runs of the job that ran to a result (a Succeeded event). */
    public Set<Execution> completionsOf(UUID jobId) {
        Set<Execution> completions = new LinkedHashSet<>();
        for (Received received : eventsOf(jobId)) {
            if (received.event() instanceof JobEvent.Succeeded e) {
                completions.add(new Execution(e.jobId(), e.attempt(), e.workerId(), e.startedAt()));
            }
        }
        return completions;
    }

    /** The jobs among {@code ids} that started more than once (a rerun after a crash, a redelivery, a rescue). */
    public List<UUID> executedMoreThanOnce(Collection<UUID> ids) {
        return ids.stream().filter(id -> executionsOf(id).size() > 1).toList();
    }

    /** The jobs among {@code ids} whose handler returned a result more than once. */
    public List<UUID> completedMoreThanOnce(Collection<UUID> ids) {
        return ids.stream().filter(id -> completionsOf(id).size() > 1).toList();
    }

    /** How many Succeeded events arrived for {@code ids}, duplicates included. */
    public long succeededEvents(Collection<UUID> ids) {
        return ids.stream().mapToLong(id -> eventsOf(id).stream()
                .filter(received -> received.event() instanceof JobEvent.Succeeded).count()).sum();
    }

    /** The jobs among {@code ids} with at least one Succeeded event. */
    public long jobsWithAResult(Collection<UUID> ids) {
        return ids.stream().filter(id -> !completionsOf(id).isEmpty()).count();
    }

    /** Every execution that started on {@code workerId}. */
    public List<Execution> executionsOn(String workerId) {
        List<Execution> on = new ArrayList<>();
        for (UUID id : events.keySet()) {
            executionsOf(id).stream().filter(execution -> execution.workerId().equals(workerId)).forEach(on::add);
        }
        return on;
    }

    /** Executions on {@code workerId} that reported a start but neither a result nor a failure (cut short). */
    public List<Execution> unfinishedExecutionsOn(String workerId) {
        List<Execution> unfinished = new ArrayList<>();
        for (UUID id : events.keySet()) {
            Set<Execution> finished = new LinkedHashSet<>();
            for (Received received : eventsOf(id)) {
                switch (received.event()) {
                    case JobEvent.Succeeded e ->
                            finished.add(new Execution(e.jobId(), e.attempt(), e.workerId(), e.startedAt()));
                    case JobEvent.Failed e ->
                            finished.add(new Execution(e.jobId(), e.attempt(), e.workerId(), e.startedAt()));
                    default -> {
                    }
                }
            }
            executionsOf(id).stream().filter(execution -> execution.workerId().equals(workerId))
                    .filter(execution -> !finished.contains(execution)).forEach(unfinished::add);
        }
        return unfinished;
    }

    /** Bodies on the results exchange that were no job event: should stay empty. */
    public List<String> undecodable() {
        return List.copyOf(undecodable);
    }

    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // the vhost may be gone already
        }
    }
}
