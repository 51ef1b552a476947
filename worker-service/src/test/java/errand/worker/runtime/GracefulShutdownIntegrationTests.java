package errand.worker.runtime;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a worker does when its application context closes, as on SIGTERM: stops taking jobs, says so in a heartbeat,
 * lets the jobs in flight finish within the grace period, and gives back the ones that do not.
 */
class GracefulShutdownIntegrationTests {

    private static final Duration WAIT = ofSeconds(20);

    private static BrokerClient client;
    private ConfigurableApplicationContext worker;

    @BeforeAll
    static void connect() throws Exception {
        client = BrokerClient.isolated("worker-shutdown-it");
        client.recordHeartbeats();
        client.recordEvents();
    }

    @BeforeEach
    void startWorker() {
        worker = client.startWorker("--errand.worker.task-types=sleep", "--errand.worker.shutdown-grace=2s",
                "--errand.worker.heartbeat-interval=1s");
    }

    @AfterEach
    void stopWorker() {
        worker.close();
        client.admin().purgeQueue(Topology.jobQueue("sleep"));
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close();
    }

    @Test
    void finishesTheJobInFlightAndAnnouncesItIsStopping() {
        JobMessage job = client.publish("sleep", "{\"millis\": 1500}", 3, Duration.ofMinutes(1));
        await().atMost(WAIT).until(() -> !client.eventsOf(job).isEmpty());

        CompletableFuture<Void> closed = CompletableFuture.runAsync(worker::close);

        await().atMost(WAIT).until(() -> client.heartbeats().stream().anyMatch(beat -> beat.stopping()));
        await().atMost(WAIT).until(closed::isDone);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).last()
                .isInstanceOf(JobEvent.Succeeded.class));
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(Topology.jobQueue("sleep")))
                .containsEntry("ready", 0).containsEntry("unacked", 0));
    }

    @Test
    void givesBackAJobThatOutlastsTheGracePeriod() {
        JobMessage job = client.publish("sleep", "{\"millis\": 60000}", 3, Duration.ofMinutes(5));
        await().atMost(WAIT).until(() -> !client.eventsOf(job).isEmpty());

        worker.close();

        await().atMost(WAIT).until(() -> client.readyMessages(Topology.jobQueue("sleep")) == 1);
        assertThat(client.eventsOf(job)).singleElement().isInstanceOf(JobEvent.Started.class);
    }
}
