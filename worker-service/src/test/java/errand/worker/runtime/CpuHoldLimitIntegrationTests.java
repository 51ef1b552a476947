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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CPU type's delivery that waits for a core while every core runs a leased job waits at most the hold limit (2 s
 * here), then goes back to the queue, and its slot stops consuming until a core frees: nothing is held past the
 * broker's consumer timeout, and the same delivery is not handed back at once.
 */
class CpuHoldLimitIntegrationTests {

    private static final int CORES = 2;
    private static final Duration WAIT = ofSeconds(30);
    private static final String CRUNCH = "crunch";
    private static final String QUEUE = Topology.jobQueue(CRUNCH);
    private static final HandlerGate GATE = new HandlerGate();

    private static BrokerClient client;

    @Configuration(proxyBeanMethods = false)
    static class GatedTasks {

        @Bean
        Crunch crunch() {
            return new Crunch();
        }
    }

    @Task(name = CRUNCH, kind = TaskKind.CPU)
    static class Crunch implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) throws InterruptedException {
            return GATE.pass(input);
        }
    }

    @BeforeAll
    static void startWorker() {
        client = BrokerClient.isolated("worker-cpu-hold-it");
        client.recordEvents();
        client.startWorker(List.of(GatedTasks.class), "--errand.worker.id=cpu-hold-it",
                "--errand.worker.task-types=" + CRUNCH, "--errand.worker.cores=" + CORES,
                "--errand.worker.hold-limit=2s", "--errand.worker.heartbeat-interval=1s",
                "--errand.worker.shutdown-grace=1s");
    }

    @AfterAll
    static void stopWorker() {
        GATE.open();
        if (client != null) {
            client.close();
        }
    }

    @Test
    void givesBackADeliveryThatWaitedTheHoldLimitForACoreAndConsumesAgainOnceOneFrees() {
        List<JobMessage> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(client.publish(CRUNCH, "{\"n\": " + i + "}", 1, ofMinutes(1)));
        }

        await().atMost(WAIT).until(() -> jobs.stream()
                .filter(job -> !client.eventsOf(job, JobEvent.Leased.class).isEmpty()).count() == CORES);
        // Both running jobs leased (acknowledged); the delivery that waited for a core is back, and nothing consumes.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.queueDepth(QUEUE)).containsEntry("unacked", 0).containsEntry("ready", 5 - CORES);
            assertThat(client.consumers(QUEUE)).isZero();
        });
        assertThat(GATE.running()).isEqualTo(CORES);
        GATE.open();

        await().atMost(WAIT).untilAsserted(() -> assertThat(jobs).allSatisfy(job ->
                assertThat(client.eventsOf(job, JobEvent.Succeeded.class)).hasSize(1)));
        assertThat(GATE.mostAtOnce()).isEqualTo(CORES);
    }
}
