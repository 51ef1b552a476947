package errand.worker.runtime;

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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.ObjectNode;

/**
 * CPU types share the worker's cores (set to 4 here, whatever the machine has): two CPU types whose handlers block on
 * one gate until the test opens it, so how many run at once, and how many deliveries the worker holds, can be read
 * while they wait.
 */
class CpuSharingIntegrationTests {

    private static final int CORES = 4;
    private static final Duration WAIT = ofSeconds(30);
    private static final String CRUNCH = "crunch";
    private static final String GRIND = "grind";

    private static final HandlerGate GATE = new HandlerGate();

    private static BrokerClient client;

    @Configuration(proxyBeanMethods = false)
    static class GatedTasks {

        @Bean
        Crunch crunch() {
            return new Crunch();
        }

        @Bean
        Grind grind() {
            return new Grind();
        }
    }

    @Task(name = CRUNCH, kind = TaskKind.CPU)
    static class Crunch implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) throws InterruptedException {
            return GATE.pass(input);
        }
    }

    @Task(name = GRIND, kind = TaskKind.CPU)
    static class Grind implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) throws InterruptedException {
            return GATE.pass(input);
        }
    }

    @BeforeAll
    static void startWorker() {
        client = BrokerClient.isolated("worker-cpu-it");
        client.recordEvents();
        client.startWorker(List.of(GatedTasks.class), "--errand.worker.id=cpu-it",
                "--errand.worker.task-types=" + CRUNCH + "," + GRIND, "--errand.worker.cores=" + CORES,
                "--errand.worker.shutdown-grace=1s");
    }

    @AfterAll
    static void stopWorker() {
        if (client != null) {
            client.close();
        }
    }

    @BeforeEach
    void closeTheGate() {
        GATE.close();
    }

    @AfterEach
    void openTheGate() {
        GATE.open();
    }

    @Test
    void runsAsManyJobsOfALoneCpuTypeAtOnceAsThereAreCoresHoldingOneMoreDelivery() {
        List<JobMessage> jobs = publish(CRUNCH, 12);

        await().atMost(WAIT).until(() -> GATE.running() == CORES);
        // The running jobs' deliveries and one waiting for the next free core; the rest stay in the queue.
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(Topology.jobQueue(CRUNCH)))
                .containsEntry("unacked", CORES + 1).containsEntry("ready", 12 - CORES - 1));
        GATE.open();

        awaitSucceeded(jobs);
        assertThat(GATE.mostAtOnce()).isEqualTo(CORES);
    }

    @Test
    void holdsAtMostOneDeliveryItCannotStartPerCpuTypeWhenSeveralAreBusy() {
        List<JobMessage> jobs = new ArrayList<>(publish(CRUNCH, 10));
        jobs.addAll(publish(GRIND, 10));

        await().atMost(WAIT).until(() -> GATE.running() == CORES);
        await().atMost(WAIT).untilAsserted(() -> assertThat(unacked(CRUNCH) + unacked(GRIND))
                .isEqualTo(CORES + 2));
        await().during(ofSeconds(3)).atMost(ofSeconds(5)).untilAsserted(() -> {
            assertThat(unacked(CRUNCH)).isBetween(1, CORES + 1);
            assertThat(unacked(GRIND)).isBetween(1, CORES + 1);
            assertThat(unacked(CRUNCH) + unacked(GRIND)).isEqualTo(CORES + 2);
            assertThat(GATE.running()).isEqualTo(CORES);
        });
        GATE.open();

        awaitSucceeded(jobs);
        assertThat(GATE.mostAtOnce()).isEqualTo(CORES);
    }

    @Test
    void keepsTakingJobsAsItsSlotsParkAndWakeThroughAThousandShortJobs() {
        GATE.open();
        List<JobMessage> jobs = new ArrayList<>(publish(CRUNCH, 500));
        jobs.addAll(publish(GRIND, 500));

        awaitSucceeded(jobs, ofSeconds(120));
    }

    private static List<JobMessage> publish(String type, int count) {
        List<JobMessage> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(client.publish(type, "{\"n\": " + i + "}", 1, ofSeconds(60)));
        }
        return jobs;
    }

    private static int unacked(String type) throws Exception {
        return client.queueDepth(Topology.jobQueue(type)).get("unacked");
    }

    private static void awaitSucceeded(List<JobMessage> jobs) {
        awaitSucceeded(jobs, WAIT);
    }

    private static void awaitSucceeded(List<JobMessage> jobs, Duration atMost) {
        await().atMost(atMost).untilAsserted(() -> assertThat(jobs).allSatisfy(job ->
                assertThat(client.eventsOf(job, JobEvent.Succeeded.class)).hasSize(1)));
    }
}
