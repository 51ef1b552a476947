package errand.worker.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import errand.amqp.ErrandTopology;
import errand.amqp.JobMessages;
import errand.model.EventBodies;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.model.WireJson;
import errand.model.WorkerHeartbeat;
import errand.testsupport.ErrandTestServices;
import errand.worker.WorkerApplication;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The test's side of the broker, playing the API: publishes job messages, records every job event from
 * {@code errand.results} and every heartbeat, and starts worker applications in the test's virtual host. Like the
 * API, it declares the topology the API owns ({@link ErrandTopology#sharedTopology()}) before any worker starts.
 */
final class BrokerClient implements AutoCloseable {

    private final ErrandTestServices.Isolated broker;
    private final CachingConnectionFactory connection;
    private final RabbitTemplate rabbit;
    private final RabbitAdmin admin;
    private final List<SimpleMessageListenerContainer> listeners = new CopyOnWriteArrayList<>();
    private final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger largestSet = new AtomicInteger();
    private final List<WorkerHeartbeat> heartbeats = new CopyOnWriteArrayList<>();

    private final List<ConfigurableApplicationContext> workers = new CopyOnWriteArrayList<>();

    /** A client of a fresh isolated vhost and database, which it owns: {@link #close()} removes them. */
    static BrokerClient isolated(String owner) {
        return new BrokerClient(ErrandTestServices.isolated(owner));
    }

    private BrokerClient(ErrandTestServices.Isolated broker) {
        this.broker = broker;
        this.connection = new CachingConnectionFactory(broker.amqpHost(), broker.amqpPort());
        connection.setUsername(broker.amqpUser());
        connection.setPassword(broker.amqpPassword());
        connection.setVirtualHost(broker.vhost());
        this.rabbit = new RabbitTemplate(connection);
        this.admin = new RabbitAdmin(connection);
        declareTheApisTopology();
    }

    /** What the API declares for everyone: the retry tiers, the dead-letter and results queues, every exchange. */
    private void declareTheApisTopology() {
        ErrandTopology.sharedTopology().getDeclarables().forEach(declarable -> {
            switch (declarable) {
                case Exchange exchange -> admin.declareExchange(exchange);
                case Queue queue -> admin.declareQueue(queue);
                case Binding binding -> admin.declareBinding(binding);
                default -> throw new IllegalStateException("Unexpected declarable " + declarable);
            }
        });
    }

    /** Listens to heartbeats; call before the worker starts to see its first. */
    void recordHeartbeats() {
        Queue queue = new AnonymousQueue();
        FanoutExchange exchange = new FanoutExchange(Topology.HEARTBEATS_EXCHANGE, true, false);
        admin.declareExchange(exchange);
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange));
        listen(queue.getName(), message -> heartbeats.add(WireJson.read(message.getBody(), WorkerHeartbeat.class)));
    }

    /** Listens to job events, declaring the results exchange and queue as the API and the workers do. */
    void recordEvents() {
        FanoutExchange exchange = new FanoutExchange(Topology.RESULTS_EXCHANGE, true, false);
        Queue queue = new Queue(Topology.RESULTS_QUEUE, true, false, false,
                new HashMap<>(Topology.resultsQueueArguments()));
        admin.declareExchange(exchange);
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange));
        listen(Topology.RESULTS_QUEUE, message -> {
            List<byte[]> bodies = EventBodies.split(message.getBody());
            largestSet.accumulateAndGet(bodies.size(), Math::max);
            bodies.forEach(body -> events.add(WireJson.read(body, JobEvent.class)));
        });
    }

    ConfigurableApplicationContext startWorker(String... arguments) {
        return startWorker(List.of(), arguments);
    }

    /** A worker that also registers the handlers these configuration classes declare. */
    ConfigurableApplicationContext startWorker(List<Class<?>> extraSources, String... arguments) {
        List<String> all = new ArrayList<>(List.of(
                "--spring.rabbitmq.host=" + broker.amqpHost(),
                "--spring.rabbitmq.port=" + broker.amqpPort(),
                "--spring.rabbitmq.username=" + broker.amqpUser(),
                "--spring.rabbitmq.password=" + broker.amqpPassword(),
                "--spring.rabbitmq.virtual-host=" + broker.vhost(),
                "--server.port=0"));
        all.addAll(List.of(arguments));
        ConfigurableApplicationContext worker = new SpringApplicationBuilder(WorkerApplication.class)
                .sources(extraSources.toArray(Class<?>[]::new))
                .run(all.toArray(String[]::new));
        workers.add(worker);
        return worker;
    }

    JobMessage publish(String type, String payload, int maxAttempts, Duration timeout) {
        return publish(new JobMessage(UUID.randomUUID(), type, 1, maxAttempts, timeout,
                WireJson.mapper().readTree(payload), Instant.now()));
    }

    /** Publishes this job message as the API would: any attempt of any job. */
    JobMessage publish(JobMessage job) {
        rabbit.send(Topology.JOBS_EXCHANGE, job.type(), JobMessages.toMessage(job, null));
        return job;
    }

    /** The job's events as received, progress left out. */
    List<JobEvent> eventsOf(JobMessage job) {
        return allEventsOf(job).stream().filter(event -> !(event instanceof JobEvent.Progress)).toList();
    }

    /** The job's events as received, progress included. */
    List<JobEvent> allEventsOf(JobMessage job) {
        return events.stream().filter(event -> event.jobId().equals(job.jobId())).toList();
    }

    List<WorkerHeartbeat> heartbeats() {
        return heartbeats;
    }

    /** The most events one message on the results queue carried so far. */
    int largestSet() {
        return largestSet.get();
    }

    /** Ready and unacknowledged messages, as the management API reports them (a few seconds late). */
    Map<String, Integer> queueDepth(String queue) throws Exception {
        JsonNode state = WireJson.mapper().readTree(broker.queueJson(queue));
        return Map.of("ready", state.path("messages_ready").asInt(-1),
                "unacked", state.path("messages_unacknowledged").asInt(-1));
    }

    /** Messages ready in the queue, right now. */
    long readyMessages(String queue) {
        var info = admin.getQueueInfo(queue);
        return info == null ? -1 : info.getMessageCount();
    }

    /** Consumers on the queue, right now. */
    int consumers(String queue) {
        var info = admin.getQueueInfo(queue);
        return info == null ? -1 : info.getConsumerCount();
    }

    /** The job's events of one kind, in the order received. */
    <T extends JobEvent> List<T> eventsOf(JobMessage job, Class<T> kind) {
        return eventsOf(job).stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    RabbitTemplate rabbit() {
        return rabbit;
    }

    RabbitAdmin admin() {
        return admin;
    }

    private void listen(String queue, Consumer<Message> handler) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connection);
        container.setQueueNames(queue);
        container.setMessageListener(handler::accept);
        container.start();
        listeners.add(container);
    }

    /** The isolated vhost and database this client works in. */
    ErrandTestServices.Isolated services() {
        return broker;
    }

    /** Stops the workers it started that still run, its listeners and connection; removes the vhost and database. */
    @Override
    public void close() {
        workers.stream().filter(ConfigurableApplicationContext::isActive)
                .forEach(ConfigurableApplicationContext::close);
        listeners.forEach(SimpleMessageListenerContainer::stop);
        connection.destroy();
        broker.close();
    }
}
