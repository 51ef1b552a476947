package errand.worker.runtime;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.model.WorkerHeartbeat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Jobs that outlast the hold limit (2 s here) run under a lease: the worker cancels the slot's consumer, publishes a
 * confirmed Leased event, acknowledges the delivery, lists the lease in its heartbeats (every second) until the
 * outcome is reported, and only then takes a new delivery in that slot. The {@code sleep} type has one slot.
 */
class LeaseIntegrationTests {

    private static final Duration WAIT = ofSeconds(30);
    private static final String QUEUE = Topology.jobQueue("sleep");

    private static BrokerClient client;
    private final List<ConfigurableApplicationContext> workers = new ArrayList<>();

    @BeforeAll
    static void connect() throws Exception {
        client = BrokerClient.isolated("worker-lease-it");
        client.recordHeartbeats();
        client.recordEvents();
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(ConfigurableApplicationContext::close);
        client.admin().purgeQueue(QUEUE);
    }

    @AfterAll
    static void disconnect() throws Exception {
        client.close();
    }

    @Test
    void convertsAJobOutlastingTheHoldLimitToALeaseAndReportsItOnce() {
        startWorker("lease-it-1", "5s");
        JobMessage job = client.publish("sleep", "{\"millis\": 10000}", 3, ofMinutes(1));

        JobEvent.Leased leased = awaitLeased(job);
        JobEvent.Started started = client.eventsOf(job, JobEvent.Started.class).getFirst();
        assertThat(leased.workerId()).isEqualTo("lease-it-1");
        assertThat(leased.leaseUntil()).isEqualTo(leased.at().plusSeconds(3));
        assertThat(Duration.between(started.at(), leased.at())).isGreaterThanOrEqualTo(ofSeconds(1));
        // While the job still runs: no delivery held, no consumer waiting for the next one, the lease heartbeated.
        await().atMost(ofSeconds(7)).untilAsserted(() -> {
            assertThat(client.queueDepth(QUEUE)).containsEntry("ready", 0).containsEntry("unacked", 0);
            assertThat(client.consumers(QUEUE)).isZero();
            assertThat(client.heartbeats()).anySatisfy(beat -> assertThat(beat.leases())
                    .containsExactly(new WorkerHeartbeat.Lease(job.jobId(), 1)));
        });
        assertThat(client.eventsOf(job, JobEvent.Succeeded.class)).isEmpty();

        await().atMost(WAIT).until(() -> !client.eventsOf(job, JobEvent.Succeeded.class).isEmpty());
        assertThat(client.eventsOf(job)).extracting(event -> (Class) event.getClass())
                .containsExactly(JobEvent.Started.class, JobEvent.Leased.class, JobEvent.Succeeded.class);
        assertThatTheLeaseIsNoLongerHeartbeated(job);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.consumers(QUEUE)).isEqualTo(1));
    }

    @Test
    void takesNoNewJobInTheSlotOfALeasedJobUntilItEnds() {
        startWorker("lease-it-2", "5s");
        JobMessage leasedJob = client.publish("sleep", "{\"millis\": 7000}", 3, ofMinutes(1));
        awaitLeased(leasedJob);

        JobMessage next = client.publish("sleep", "{\"millis\": 100}", 3, ofMinutes(1));

        await().during(ofSeconds(2)).atMost(ofSeconds(3)).until(() -> client.eventsOf(next).isEmpty()
                && client.readyMessages(QUEUE) == 1);
        await().atMost(WAIT).until(() -> !client.eventsOf(next, JobEvent.Succeeded.class).isEmpty());
        JobEvent.Succeeded leasedOutcome = client.eventsOf(leasedJob, JobEvent.Succeeded.class).getFirst();
        assertThat(client.eventsOf(next, JobEvent.Started.class).getFirst().at())
                .isAfterOrEqualTo(leasedOutcome.at());
        assertThat(client.eventsOf(leasedJob, JobEvent.Succeeded.class)).hasSize(1);
    }

    @Test
    void letsAnotherWorkerTakeTheNextJobWhileTheLeasedOneRuns() {
        startWorker("lease-it-3a", "5s");
        JobMessage leasedJob = client.publish("sleep", "{\"millis\": 10000}", 3, ofMinutes(1));
        awaitLeased(leasedJob);

        startWorker("lease-it-3b", "5s");
        JobMessage next = client.publish("sleep", "{\"millis\": 100}", 3, ofMinutes(1));

        await().atMost(WAIT).until(() -> !client.eventsOf(next, JobEvent.Succeeded.class).isEmpty());
        assertThat(client.eventsOf(next, JobEvent.Started.class).getFirst().workerId()).isEqualTo("lease-it-3b");
        assertThat(client.eventsOf(leasedJob, JobEvent.Succeeded.class)).isEmpty();
        await().atMost(WAIT).until(() -> !client.eventsOf(leasedJob, JobEvent.Succeeded.class).isEmpty());
        assertThat(client.eventsOf(leasedJob, JobEvent.Started.class)).hasSize(1);
    }

    @Test
    void keepsRunningALeasedJobWhenItsConnectionIsLostAndGivesNothingBack() {
        ConfigurableApplicationContext worker = startWorker("lease-it-4", "5s");
        JobMessage job = client.publish("sleep", "{\"millis\": 8000}", 3, ofMinutes(1));
        awaitLeased(job);

        // Every channel of the worker closes, as when its connection drops: a held delivery would be requeued.
        worker.getBean(CachingConnectionFactory.class).resetConnection();

        await().during(ofSeconds(3)).atMost(ofSeconds(4)).until(() -> client.readyMessages(QUEUE) == 0);
        await().atMost(WAIT).until(() -> !client.eventsOf(job, JobEvent.Succeeded.class).isEmpty());
        assertThat(client.eventsOf(job)).extracting(event -> (Class) event.getClass())
                .containsExactly(JobEvent.Started.class, JobEvent.Leased.class, JobEvent.Succeeded.class);
        JobMessage after = client.publish("sleep", "{\"millis\": 10}", 3, ofMinutes(1));
        await().atMost(WAIT).until(() -> !client.eventsOf(after, JobEvent.Succeeded.class).isEmpty());
    }

    @Test
    void waitsForALeasedJobWhenStoppingGracefully() {
        ConfigurableApplicationContext worker = startWorker("lease-it-5", "6s");
        JobMessage job = client.publish("sleep", "{\"millis\": 4000}", 3, ofMinutes(1));
        awaitLeased(job);

        CompletableFuture<Void> closed = CompletableFuture.runAsync(worker::close);

        await().atMost(WAIT).until(closed::isDone);
        assertThat(client.eventsOf(job)).extracting(event -> (Class) event.getClass())
                .containsExactly(JobEvent.Started.class, JobEvent.Leased.class, JobEvent.Succeeded.class);
    }

    @Test
    void leavesALeasedJobThatOutlastsTheGracePeriodToItsLease() {
        ConfigurableApplicationContext worker = startWorker("lease-it-6", "1s");
        JobMessage job = client.publish("sleep", "{\"millis\": 60000}", 3, ofMinutes(5));
        awaitLeased(job);

        worker.close();

        // Nothing goes back to the queue and nothing more is reported: the API reruns the job once the lease lapses.
        await().during(ofSeconds(2)).atMost(ofSeconds(3)).until(() -> client.readyMessages(QUEUE) == 0);
        assertThat(client.eventsOf(job)).extracting(event -> (Class) event.getClass())
                .containsExactly(JobEvent.Started.class, JobEvent.Leased.class);
    }

    private ConfigurableApplicationContext startWorker(String id, String shutdownGrace) {
        ConfigurableApplicationContext worker = client.startWorker("--errand.worker.id=" + id,
                "--errand.worker.task-types=sleep", "--errand.worker.concurrency.sleep=1",
                "--errand.worker.hold-limit=2s", "--errand.worker.heartbeat-interval=1s",
                "--errand.worker.shutdown-grace=" + shutdownGrace, "--errand.worker.started-report-delay=0");
        workers.add(worker);
        return worker;
    }

    private static JobEvent.Leased awaitLeased(JobMessage job) {
        await().atMost(WAIT).until(() -> !client.eventsOf(job, JobEvent.Leased.class).isEmpty());
        return client.eventsOf(job, JobEvent.Leased.class).getFirst();
    }

    /** The first heartbeat without the lease arrives soon after the outcome, and no later one lists it again. */
    private static void assertThatTheLeaseIsNoLongerHeartbeated(JobMessage job) {
        WorkerHeartbeat.Lease lease = new WorkerHeartbeat.Lease(job.jobId(), job.attempt());
        int seen = client.heartbeats().size();
        await().atMost(ofSeconds(5)).until(() -> client.heartbeats().stream().skip(seen)
                .anyMatch(beat -> !beat.leases().contains(lease)));
        int firstWithout = seen + (int) client.heartbeats().stream().skip(seen)
                .takeWhile(beat -> beat.leases().contains(lease)).count();
        await().during(ofSeconds(3)).atMost(ofSeconds(4)).until(() -> client.heartbeats().stream().skip(firstWithout)
                .noneMatch(beat -> beat.leases().contains(lease)));
    }
}
