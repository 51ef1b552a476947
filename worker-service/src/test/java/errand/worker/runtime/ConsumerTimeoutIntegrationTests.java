package errand.worker.runtime;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.testsupport.ErrandTestServices;
import errand.testsupport.Rabbitmqctl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ChannelListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A job longer than the broker's consumer timeout runs exactly once. The test shortens the broker's global
 * {@code consumer_timeout} to 5 s at run time, and its {@code channel_tick_interval} (how often a channel checks the
 * timeout; 60 s by default) to 1 s, so that a delivery held too long is caught within seconds. On RabbitMQ 3.10 both
 * are read when a channel opens, hence before the worker starts; both are restored afterwards, exactly as they were,
 * whatever happens. They are global to the broker: {@link Isolated} keeps other tests of this build from running
 * beside this class if parallel execution is ever turned on.
 */
@Isolated("changes the broker's global consumer timeout")
class ConsumerTimeoutIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(ConsumerTimeoutIntegrationTests.class);
    private static final Duration CONSUMER_TIMEOUT = ofSeconds(5);

    private static Rabbitmqctl.BrokerSettings settings;
    private static ErrandTestServices.Isolated broker;
    private static BrokerClient client;
    private static ConfigurableApplicationContext worker;
    private static final List<ShutdownSignalException> workerChannelsClosed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void shortenTheConsumerTimeoutAndStartAWorker() throws Exception {
        Rabbitmqctl.requireReachable();
        settings = Rabbitmqctl.change(Map.of("consumer_timeout", Long.toString(CONSUMER_TIMEOUT.toMillis()),
                "channel_tick_interval", "1000"));
        client = BrokerClient.isolated("worker-consumer-timeout-it");
        broker = client.services();
        client.recordEvents();
        worker = client.startWorker("--errand.worker.id=timeout-it", "--errand.worker.task-types=sleep",
                "--errand.worker.concurrency.sleep=1", "--errand.worker.hold-limit=2s",
                "--errand.worker.heartbeat-interval=1s", "--errand.worker.shutdown-grace=1s");
        worker.getBean(CachingConnectionFactory.class).addChannelListener(new ChannelListener() {
            @Override
            public void onCreate(Channel channel, boolean transactional) {
            }

            @Override
            public void onShutDown(ShutdownSignalException signal) {
                if (!signal.isInitiatedByApplication()) {
                    workerChannelsClosed.add(signal);
                }
            }
        });
    }

    @AfterAll
    static void restoreTheBroker() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (settings != null) {
                settings.close();
            }
        }
    }

    /** The control: without a lease, the shortened timeout closes the channel within seconds. */
    @Test
    void theBrokerClosesAChannelThatHoldsADeliveryPastTheShortenedTimeout() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(broker.amqpHost());
        factory.setPort(broker.amqpPort());
        factory.setUsername(broker.amqpUser());
        factory.setPassword(broker.amqpPassword());
        factory.setVirtualHost(broker.vhost());
        try (Connection connection = factory.newConnection("consumer-timeout-control")) {
            String queue = "held-" + UUID.randomUUID();
            Channel setup = connection.createChannel();
            setup.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            Channel holding = connection.createChannel();
            holding.basicQos(1);
            CompletableFuture<Long> delivered = new CompletableFuture<>();
            CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
            holding.addShutdownListener(closed::complete);
            holding.basicConsume(queue, false, new DefaultConsumer(holding) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    delivered.complete(System.nanoTime());
                }
            });
            setup.basicPublish("", queue, null, "held, never acknowledged".getBytes());

            await().atMost(ofSeconds(30)).until(closed::isDone);
            Duration heldFor = Duration.ofNanos(System.nanoTime() - delivered.getNow(System.nanoTime()));
            log.info("The broker closed the channel holding a delivery after {}: {}", heldFor,
                    closed.get().getMessage());
            assertThat(closed.get().getMessage()).contains("PRECONDITION_FAILED", "timed out");
            assertThat(heldFor).isGreaterThanOrEqualTo(CONSUMER_TIMEOUT);
            setup.queueDelete(queue);
        }
    }

    @Test
    void runsAJobLongerThanTheConsumerTimeoutExactlyOnce() throws Exception {
        JobMessage job = client.publish("sleep", "{\"millis\": 20000}", 3, ofMinutes(2));

        await().atMost(ofSeconds(60)).until(() -> !client.eventsOf(job, JobEvent.Succeeded.class).isEmpty());

        assertThat(client.eventsOf(job)).extracting(event -> (Class) event.getClass())
                .containsExactly(JobEvent.Started.class, JobEvent.Leased.class, JobEvent.Succeeded.class);
        JobEvent.Succeeded succeeded = client.eventsOf(job, JobEvent.Succeeded.class).getFirst();
        log.info("Job of 20 s ran {} under a consumer timeout of {}; leased after {}",
                Duration.between(succeeded.startedAt(), succeeded.at()), CONSUMER_TIMEOUT, Duration.between(
                        succeeded.startedAt(), client.eventsOf(job, JobEvent.Leased.class).getFirst().at()));
        assertThat(Duration.between(succeeded.startedAt(), succeeded.at()))
                .isGreaterThan(CONSUMER_TIMEOUT.multipliedBy(3));
        assertThat(workerChannelsClosed).isEmpty();
        await().during(ofSeconds(2)).atMost(ofSeconds(3)).until(() -> client.readyMessages(Topology.jobQueue("sleep"))
                == 0 && client.eventsOf(job).size() == 3);
        assertThat(workerChannelsClosed).isEmpty();
    }
}
