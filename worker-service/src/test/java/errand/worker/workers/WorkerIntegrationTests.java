package errand.worker.workers;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import errand.model.ControlCommand;
import errand.model.Failure;
import errand.model.Headers;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.TaskKind;
import errand.model.TaskTypeDescriptor;
import errand.model.Topology;
import errand.model.WireJson;
import errand.model.WorkerHeartbeat;
import errand.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The worker application against a real broker, in a virtual host of its own (see {@link TestBroker}). The test
 * plays the API: it publishes job messages and control commands, and reads events, heartbeats and dead letters.
 */
class WorkerIntegrationTests {

    private static final Duration WAIT = ofSeconds(20);

    private static TestBroker broker;
    private static ConfigurableApplicationContext worker;
    private static CachingConnectionFactory connection;
    private static RabbitTemplate rabbit;
    private static RabbitAdmin admin;
    private static final List<SimpleMessageListenerContainer> listeners = new CopyOnWriteArrayList<>();
    private static final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private static final List<WorkerHeartbeat> heartbeats = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startWorker() throws Exception {
        broker = TestBroker.withFreshVirtualHost("worker-it");
        connection = new CachingConnectionFactory(broker.host(), broker.port());
        connection.setUsername(broker.user());
        connection.setPassword(broker.password());
        connection.setVirtualHost(broker.virtualHost());
        rabbit = new RabbitTemplate(connection);
        admin = new RabbitAdmin(connection);
        Queue heartbeatQueue = new AnonymousQueue();
        FanoutExchange heartbeatExchange = new FanoutExchange(Topology.HEARTBEATS_EXCHANGE, true, false);
        admin.declareExchange(heartbeatExchange);
        admin.declareQueue(heartbeatQueue);
        admin.declareBinding(BindingBuilder.bind(heartbeatQueue).to(heartbeatExchange));
        listen(heartbeatQueue.getName(), message -> heartbeats.add(WireJson.read(message.getBody(),
                WorkerHeartbeat.class)));

        worker = new SpringApplicationBuilder(WorkerApplication.class).run(
                "--spring.rabbitmq.host=" + broker.host(),
                "--spring.rabbitmq.port=" + broker.port(),
                "--spring.rabbitmq.username=" + broker.user(),
                "--spring.rabbitmq.password=" + broker.password(),
                "--spring.rabbitmq.virtual-host=" + broker.virtualHost(),
                "--server.port=0",
                "--errand.worker.id=it-worker",
                "--errand.worker.heartbeat-interval=1s",
                "--errand.worker.shutdown-grace=2s");
        listen(Topology.RESULTS_QUEUE, message -> events.add(WireJson.read(message.getBody(), JobEvent.class)));
    }

    @AfterAll
    static void stopWorker() throws Exception {
        listeners.forEach(SimpleMessageListenerContainer::stop);
        if (worker != null) {
            worker.close();
        }
        if (connection != null) {
            connection.destroy();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void reportsStartedThenSucceededAndAcknowledgesTheJobAfterwards() {
        JobMessage job = publish("echo", "{\"hello\": \"world\", \"n\": [1, 2]}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(job)).hasSize(2));
        assertThat(eventsOf(job).get(0)).isInstanceOf(JobEvent.Started.class);
        assertThat(eventsOf(job).get(1)).isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded -> {
            assertThat(succeeded.result()).isEqualTo(job.payload());
            assertThat(succeeded.workerId()).isEqualTo("it-worker");
            assertThat(succeeded.startedAt()).isEqualTo(eventsOf(job).get(0).at());
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(queueDepth(Topology.jobQueue("echo")))
                .isEqualTo(Map.of("ready", 0, "unacked", 0)));
    }

    @Test
    void retriesAFailedJobThroughTheOneSecondTierUntilItSucceeds() {
        JobMessage job = publish("fail", "{\"failTimes\": 1, \"retryable\": true}", 5, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(job)).hasSize(4));
        List<JobEvent> history = eventsOf(job);
        assertThat(history).extracting(JobEvent::attempt).containsExactly(1, 1, 2, 2);
        JobEvent.Failed failed = (JobEvent.Failed) history.get(1);
        assertThat(failed.failure().retryable()).isTrue();
        assertThat(failed.retryAt()).isBetween(failed.at().plusMillis(790), failed.at().plusSeconds(1));
        assertThat(history.get(2)).isInstanceOf(JobEvent.Started.class);
        assertThat(history.get(2).at()).isAfterOrEqualTo(failed.at().plusMillis(790));
        assertThat(history.get(3)).isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded ->
                assertThat(succeeded.result()).isEqualTo(WireJson.mapper().readTree("{\"attempt\": 2}")));
    }

    @Test
    void deadLettersAnUnparseableDelivery() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(Headers.JSON);
        String body = "not a job " + UUID.randomUUID();
        rabbit.send(Topology.JOBS_EXCHANGE, "echo", new Message(body.getBytes(), properties));

        await().atMost(WAIT).untilAsserted(() -> {
            Message dead = rabbit.receive(Topology.DEAD_QUEUE);
            assertThat(dead).isNotNull();
            assertThat(new String(dead.getBody())).isEqualTo(body);
            assertThat(dead.getMessageProperties().getHeaders()).containsEntry("x-first-death-reason", "rejected");
        });
    }

    @Test
    void failsAnInvalidPayloadForGoodAndDeadLettersItWithTheReason() {
        JobMessage job = publish("prime-count", "{\"upTo\": 0}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(job)).hasSize(2));
        assertThat(eventsOf(job).get(1)).isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
            assertThat(failed.failure()).isEqualTo(new Failure("invalid-input",
                    "upTo: must be greater than or equal to 1", false));
            assertThat(failed.willRetry()).isFalse();
        });
        await().atMost(WAIT).untilAsserted(() -> {
            Message dead = rabbit.receive(Topology.DEAD_QUEUE);
            assertThat(dead).isNotNull();
            assertThat(dead.getMessageProperties().getMessageId()).isEqualTo(job.jobId().toString());
            assertThat((String) dead.getMessageProperties().getHeader(Headers.DEAD_REASON)).contains("invalid-input");
        });
    }

    @Test
    void stopsARunningJobWhenItIsCancelled() {
        JobMessage job = publish("sleep", "{\"millis\": 60000}", 3, Duration.ofMinutes(5));
        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(job)).first().isInstanceOf(JobEvent.Started.class));

        rabbit.send(Topology.CONTROL_EXCHANGE, "", new Message(WireJson.write(
                new ControlCommand.CancelJob(job.jobId(), Instant.now()))));

        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(job)).last()
                .isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
                    assertThat(failed.failure().type()).isEqualTo("cancelled");
                    assertThat(failed.failure().retryable()).isFalse();
                    assertThat(failed.retryAt()).isNull();
                }));
    }

    @Test
    void timesOutAnAttemptPastItsDeadline() {
        JobMessage job = publish("sleep", "{\"millis\": 60000}", 1, Duration.ofMillis(500));

        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(job)).last()
                .isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
                    assertThat(failed.failure().type()).isEqualTo("timeout");
                    assertThat(failed.failure().retryable()).isTrue();
                    assertThat(failed.retryAt()).isNull();
                }));
    }

    @Test
    void keepsTheJobUnacknowledgedUntilItsEventsAreConfirmed() throws Exception {
        Binding results = new Binding(Topology.RESULTS_QUEUE, Binding.DestinationType.QUEUE,
                Topology.RESULTS_EXCHANGE, "", null);
        admin.removeBinding(results);
        JobMessage job;
        try {
            job = publish("echo", "{\"unroutable\": true}", 3, Duration.ofSeconds(30));

            // Every event comes back unroutable: published again twice, then the delivery is requeued.
            await().atMost(WAIT).untilAsserted(() -> assertThat(rejectedAsUnconfirmed("echo")).isPositive());
            assertThat(eventsOf(job)).isEmpty();
        }
        finally {
            admin.declareBinding(results);
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(job))
                .hasAtLeastOneElementOfType(JobEvent.Succeeded.class));
        await().atMost(WAIT).untilAsserted(() -> assertThat(queueDepth(Topology.jobQueue("echo")))
                .isEqualTo(Map.of("ready", 0, "unacked", 0)));
    }

    @Test
    void announcesItsTaskTypesWithSchemasInHeartbeats() {
        await().atMost(WAIT).until(() -> !heartbeats.isEmpty());
        WorkerHeartbeat heartbeat = heartbeats.getLast();

        assertThat(heartbeat.workerId()).isEqualTo("it-worker");
        assertThat(heartbeat.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(heartbeat.stopping()).isFalse();
        assertThat(heartbeat.taskTypes()).extracting(TaskTypeDescriptor::name)
                .containsExactlyInAnyOrder("echo", "sleep", "prime-count", "pi", "fail");
        TaskTypeDescriptor primes = heartbeat.taskTypes().stream()
                .filter(type -> type.name().equals("prime-count")).findFirst().orElseThrow();
        assertThat(primes.kind()).isEqualTo(TaskKind.CPU);
        assertThat(primes.concurrency()).isPositive();
        assertThat(primes.inputSchema().get("properties").has("upTo")).isTrue();
        assertThat(primes.outputSchema().get("properties").has("count")).isTrue();
        assertThat(primes.example()).isEqualTo(WireJson.mapper().readTree("{\"upTo\": 100000}"));
    }

    @Test
    void isReadyAndExposesItsMetrics() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(WireJson.mapper().readTree(readiness.body()).get("status").asString()).isEqualTo("UP");

        publish("echo", "{}", 1, Duration.ofSeconds(30));
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
                .contains("errand_worker_jobs_executed_total{", "outcome=\"succeeded\"", "type=\"echo\"")
                .contains("errand_worker_execution_seconds_bucket{")
                .contains("errand_worker_in_flight{")
                .contains("errand_worker_concurrency{"));
    }

    private static double rejectedAsUnconfirmed(String type) throws Exception {
        Pattern sample = Pattern.compile("^errand_worker_deliveries_rejected_total\\{[^}]*reason=\"unconfirmed\""
                + "[^}]*type=\"" + type + "\"[^}]*} (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(get("/actuator/prometheus").body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static JobMessage publish(String type, String payload, int maxAttempts, Duration timeout) {
        JobMessage job = new JobMessage(UUID.randomUUID(), type, 1, maxAttempts, timeout,
                WireJson.mapper().readTree(payload), Instant.now());
        rabbit.send(Topology.JOBS_EXCHANGE, type, JobMessageCodec.jobMessage(job, null));
        return job;
    }

    private static List<JobEvent> eventsOf(JobMessage job) {
        return events.stream().filter(event -> event.jobId().equals(job.jobId()))
                .filter(event -> !(event instanceof JobEvent.Progress)).toList();
    }

    private static Map<String, Integer> queueDepth(String queue) throws Exception {
        JsonNode state = broker.queue(queue);
        return Map.of("ready", state.path("messages_ready").asInt(-1),
                "unacked", state.path("messages_unacknowledged").asInt(-1));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        String port = worker.getEnvironment().getProperty("local.server.port");
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static void listen(String queue, java.util.function.Consumer<Message> handler) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connection);
        container.setQueueNames(queue);
        container.setMessageListener(handler::accept);
        container.start();
        listeners.add(container);
    }
}
