package errand.worker.runtime;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker with many slots of a type loses its connection while it holds a job of that type: the quorum queue counts
 * one return of the job per lost connection towards its delivery limit (5), not one per slot, so a healthy job
 * survives as many connection losses as the limit allows and is never dead-lettered for them.
 */
class ConnectionLossIntegrationTests {

    private static final Duration WAIT = ofSeconds(30);
    private static final int CONNECTION_LOSSES = Topology.DELIVERY_LIMIT - 1;

    private static BrokerClient client;
    private static ConfigurableApplicationContext worker;

    @BeforeAll
    static void startWorkerWithManySlots() throws Exception {
        client = BrokerClient.isolated("worker-conn-loss-it");
        client.recordEvents();
        worker = client.startWorker("--errand.worker.id=conn-loss-worker", "--errand.worker.task-types=sleep",
                "--errand.worker.concurrency.sleep=16", "--errand.worker.started-report-delay=0",
                "--errand.worker.shutdown-grace=1s");
    }

    @AfterAll
    static void stopWorker() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void countsOneDeliveryPerLostConnectionWhateverTheNumberOfSlots() {
        JobMessage job = client.publish("sleep", "{\"millis\": 2000}", 1, ofMinutes(1));
        CachingConnectionFactory connections = worker.getBean(CachingConnectionFactory.class);

        for (int loss = 1; loss <= CONNECTION_LOSSES; loss++) {
            int deliveries = loss;
            await("delivery " + deliveries).atMost(WAIT)
                    .until(() -> client.eventsOf(job, JobEvent.Started.class).size() >= deliveries);
            connections.resetConnection();
        }

        await("the delivery after the last connection loss").atMost(WAIT)
                .until(() -> client.eventsOf(job, JobEvent.Started.class).size() > CONNECTION_LOSSES);
        await("the job succeeded and its delivery was acknowledged").atMost(WAIT).untilAsserted(() -> {
            assertThat(client.eventsOf(job, JobEvent.Succeeded.class)).isNotEmpty();
            assertThat(client.queueDepth(Topology.jobQueue("sleep"))).isEqualTo(Map.of("ready", 0, "unacked", 0));
        });
        assertThat(client.readyMessages(Topology.DEAD_QUEUE)).as("dead-lettered jobs").isZero();
    }
}
