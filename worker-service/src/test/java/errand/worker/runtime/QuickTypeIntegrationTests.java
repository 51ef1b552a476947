package errand.worker.runtime;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.TaskKind;
import errand.model.Topology;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskContext;
import errand.worker.tasks.TaskHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.ObjectNode;

/**
 * A quick type's slots each hold {@code errand.worker.quick-prefetch} deliveries (3 here, with 2 slots): one job runs
 * per slot, the next ones wait in it. The type's handler blocks on a gate until the test opens it, so what the worker
 * runs and holds can be read while the jobs wait.
 */
class QuickTypeIntegrationTests {

    private static final int SLOTS = 2;
    private static final int PREFETCH = 3;
    private static final Duration WAIT = ofSeconds(30);
    private static final String RELAY = "relay";
    private static final String QUEUE = Topology.jobQueue(RELAY);

    private static final HandlerGate GATE = new HandlerGate();

    private static BrokerClient client;
    private final List<ConfigurableApplicationContext> workers = new ArrayList<>();

    @Configuration(proxyBeanMethods = false)
    static class GatedTasks {

        @Bean
        Relay relay() {
            return new Relay();
        }
    }

    @Task(name = RELAY, kind = TaskKind.IO, quick = true)
    static class Relay implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) throws InterruptedException {
            return GATE.pass(input);
        }
    }

    @BeforeAll
    static void connect() {
        client = BrokerClient.isolated("worker-quick-it");
        client.recordEvents();
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @BeforeEach
    void closeTheGate() {
        GATE.close();
    }

    @AfterEach
    void openTheGateAndStopTheWorkers() {
        GATE.open();
        workers.forEach(ConfigurableApplicationContext::close);
        client.admin().purgeQueue(QUEUE);
    }

    @Test
    void runsOneJobPerSlotAtOnceWhileEachSlotHoldsItsPrefetchOfDeliveries() {
        startWorker("quick-it-1", "15m");
        List<JobMessage> jobs = publish(20);

        await().atMost(WAIT).until(() -> GATE.running() == SLOTS);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(QUEUE))
                .containsEntry("unacked", SLOTS * PREFETCH).containsEntry("ready", 20 - SLOTS * PREFETCH));
        await().during(ofSeconds(2)).atMost(ofSeconds(3)).until(() -> GATE.running() == SLOTS);
        GATE.open();

        awaitSucceededOnce(jobs);
        assertThat(GATE.mostAtOnce()).isEqualTo(SLOTS);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(QUEUE))
                .containsEntry("unacked", 0).containsEntry("ready", 0));
    }

    @Test
    void givesBackTheDeliveriesWaitingBehindAJobThatTurnsIntoALease() {
        startWorker("quick-it-2", "2s");
        List<JobMessage> jobs = publish(10);

        await().atMost(WAIT).until(() -> jobs.stream()
                .filter(job -> !client.eventsOf(job, JobEvent.Leased.class).isEmpty()).count() == SLOTS);
        // Both running jobs are leased, their deliveries acknowledged; what waited behind them is back in the queue.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.queueDepth(QUEUE)).containsEntry("unacked", 0).containsEntry("ready", 10 - SLOTS);
            assertThat(client.consumers(QUEUE)).isZero();
        });
        assertThat(GATE.running()).isEqualTo(SLOTS);
        GATE.open();

        awaitSucceededOnce(jobs);
        assertThat(GATE.mostAtOnce()).isEqualTo(SLOTS);
    }

    private void startWorker(String id, String holdLimit) {
        workers.add(client.startWorker(List.of(GatedTasks.class), "--errand.worker.id=" + id,
                "--errand.worker.task-types=" + RELAY, "--errand.worker.concurrency." + RELAY + "=" + SLOTS,
                "--errand.worker.quick-prefetch=" + PREFETCH, "--errand.worker.hold-limit=" + holdLimit,
                "--errand.worker.shutdown-grace=1s"));
    }

    private static List<JobMessage> publish(int count) {
        List<JobMessage> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(client.publish(RELAY, "{\"n\": " + i + "}", 1, ofMinutes(1)));
        }
        return jobs;
    }

    private static void awaitSucceededOnce(List<JobMessage> jobs) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(jobs).allSatisfy(job ->
                assertThat(client.eventsOf(job, JobEvent.Succeeded.class)).hasSize(1)));
    }
}
