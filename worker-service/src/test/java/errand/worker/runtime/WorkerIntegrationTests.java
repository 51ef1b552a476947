package errand.worker.runtime;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

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
import errand.testsupport.ErrandTestServices;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.tasks.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker application against a real broker, in a virtual host of its own (see {@link ErrandTestServices}). The
 * test plays the API: it publishes job messages and control commands, and reads events, heartbeats and dead letters.
 */
class WorkerIntegrationTests {

    private static final Duration WAIT = ofSeconds(20);

    private static BrokerClient client;
    private static ConfigurableApplicationContext worker;

    @BeforeAll
    static void startWorker() throws Exception {
        client = BrokerClient.isolated("worker-it");
        client.recordHeartbeats();
        client.recordEvents();
        worker = client.startWorker("--errand.worker.id=it-worker", "--errand.worker.heartbeat-interval=1s",
                "--errand.worker.shutdown-grace=2s");
    }

    @AfterAll
    static void stopWorker() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void reportsOnlyTheOutcomeOfAJobThatEndsBeforeTheStartedReportDelayAndAcknowledgesItAfterwards() {
        JobMessage job = client.publish("echo", "{\"hello\": \"world\", \"n\": [1, 2]}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).isNotEmpty());
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(Topology.jobQueue("echo")))
                .isEqualTo(Map.of("ready", 0, "unacked", 0)));
        assertThat(client.eventsOf(job)).singleElement().isInstanceOfSatisfying(JobEvent.Succeeded.class,
                succeeded -> {
                    assertThat(succeeded.result()).isEqualTo(job.payload());
                    assertThat(succeeded.workerId()).isEqualTo("it-worker");
                    assertThat(succeeded.startedAt()).isBeforeOrEqualTo(succeeded.at());
                });
    }

    @Test
    void sendsTheOutcomesOfJobsThatEndTogetherInSetsAndSettlesEveryJob() {
        List<JobMessage> jobs = IntStream.range(0, 300).mapToObj(i -> client.publish("echo", "{\"n\": " + i + "}", 3,
                Duration.ofSeconds(30))).toList();

        await().atMost(WAIT).untilAsserted(() -> assertThat(jobs).allSatisfy(job -> assertThat(client.eventsOf(job))
                .singleElement().isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded ->
                        assertThat(succeeded.result()).isEqualTo(job.payload()))));
        assertThat(client.largestSet()).as("most outcomes in one message").isGreaterThan(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(Topology.jobQueue("echo")))
                .isEqualTo(Map.of("ready", 0, "unacked", 0)));
    }

    @Test
    void reportsThatAJobStartedOnceItRunsPastTheStartedReportDelay() {
        JobMessage job = client.publish("sleep", "{\"millis\": 600}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).hasSize(2));
        List<JobEvent> history = client.eventsOf(job);
        assertThat(history.get(0)).isInstanceOf(JobEvent.Started.class);
        assertThat(history.get(1)).isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded ->
                assertThat(succeeded.startedAt()).isEqualTo(history.get(0).at()));
    }

    @Test
    void reportsOnlyTheOutcomeOfAJobThatReportedProgressButEndedBeforeTheStartedReportDelay() {
        JobMessage job = client.publish("prime-count", "{\"upTo\": 100000}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.allEventsOf(job)).isNotEmpty());
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(Topology.jobQueue("prime-count")))
                .isEqualTo(Map.of("ready", 0, "unacked", 0)));
        assertThat(client.allEventsOf(job)).singleElement().isInstanceOfSatisfying(JobEvent.Succeeded.class,
                succeeded -> assertThat(succeeded.result()).isEqualTo(WireJson.mapper().readTree("{\"count\": 9592}")));
    }

    @Test
    void reportsTheProgressHeldBeforeTheStartedReportDelayRightAfterTheStart() {
        JobMessage job = client.publish("sleep", "{\"millis\": 700}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job, JobEvent.Succeeded.class))
                .hasSize(1));
        List<JobEvent> history = client.allEventsOf(job);
        assertThat(history.getFirst()).isInstanceOf(JobEvent.Started.class);
        // The held progress is the earliest one (reported as the handler began), sent right after the start and
        // before any later progress: order, not timing, shows it was held.
        List<Double> fractions = history.stream().filter(JobEvent.Progress.class::isInstance)
                .map(event -> ((JobEvent.Progress) event).fraction()).toList();
        assertThat(history.get(1)).isInstanceOfSatisfying(JobEvent.Progress.class, progress ->
                assertThat(progress.fraction()).as("the progress held until the start")
                        .isEqualTo(fractions.getFirst()));
        assertThat(fractions).isSorted();
        assertThat(history.getLast()).isInstanceOf(JobEvent.Succeeded.class);
    }

    @Test
    void retriesAFailedJobThroughTheOneSecondTierUntilItSucceeds() {
        JobMessage job = client.publish("fail", "{\"failTimes\": 1, \"retryable\": true}", 5, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).hasSize(2));
        List<JobEvent> history = client.eventsOf(job);
        assertThat(history).extracting(JobEvent::attempt).containsExactly(1, 2);
        JobEvent.Failed failed = (JobEvent.Failed) history.get(0);
        assertThat(failed.failure().retryable()).isTrue();
        assertThat(failed.retryAt()).isBetween(failed.at().plusMillis(790), failed.at().plusSeconds(1));
        assertThat(history.get(1)).isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded -> {
            assertThat(succeeded.startedAt()).isAfterOrEqualTo(failed.at().plusMillis(790));
            assertThat(succeeded.result()).isEqualTo(WireJson.mapper().readTree("{\"attempt\": 2}"));
        });
    }

    @Test
    void deadLettersAnUnparseableDelivery() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(Headers.JSON);
        String body = "not a job " + UUID.randomUUID();
        client.rabbit().send(Topology.JOBS_EXCHANGE, "echo", new Message(body.getBytes(), properties));

        await().atMost(WAIT).untilAsserted(() -> {
            Message dead = client.rabbit().receive(Topology.DEAD_QUEUE);
            assertThat(dead).isNotNull();
            assertThat(new String(dead.getBody())).isEqualTo(body);
            assertThat(dead.getMessageProperties().getHeaders()).containsEntry("x-first-death-reason", "rejected");
        });
    }

    @Test
    void failsAnInvalidPayloadForGoodAndDeadLettersItWithTheReason() {
        JobMessage job = client.publish("prime-count", "{\"upTo\": 0}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).isNotEmpty());
        assertThat(client.eventsOf(job)).singleElement().isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
            assertThat(failed.failure()).isEqualTo(new Failure("invalid-input",
                    "upTo: must be greater than or equal to 1", false));
            assertThat(failed.willRetry()).isFalse();
        });
        await().atMost(WAIT).untilAsserted(() -> {
            Message dead = client.rabbit().receive(Topology.DEAD_QUEUE);
            assertThat(dead).isNotNull();
            assertThat(dead.getMessageProperties().getMessageId()).isEqualTo(job.jobId().toString());
            assertThat((String) dead.getMessageProperties().getHeader(Headers.DEAD_REASON)).contains("invalid-input");
        });
    }

    @Test
    void stopsARunningJobWhenItIsCancelled() {
        JobMessage job = client.publish("sleep", "{\"millis\": 60000}", 3, Duration.ofMinutes(5));
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).first()
                .isInstanceOf(JobEvent.Started.class));

        client.rabbit().send(Topology.CONTROL_EXCHANGE, "", new Message(WireJson.write(
                new ControlCommand.CancelJob(job.jobId(), job.attempt(), Instant.now()))));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).last()
                .isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
                    assertThat(failed.failure().type()).isEqualTo("cancelled");
                    assertThat(failed.failure().retryable()).isFalse();
                    assertThat(failed.retryAt()).isNull();
                }));
    }

    @Test
    void runsTheRetriedAttemptOfAJobCancelledWhileItRan() {
        JobMessage job = client.publish("sleep", "{\"millis\": 60000}", 1, Duration.ofMinutes(5));
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).first()
                .isInstanceOf(JobEvent.Started.class));
        cancel(job.jobId(), job.attempt());
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).last()
                .isInstanceOfSatisfying(JobEvent.Failed.class, failed ->
                        assertThat(failed.failure().type()).isEqualTo("cancelled")));

        JobMessage retried = client.publish(attempt(job, 2, "{\"millis\": 300}"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).last()
                .isInstanceOfSatisfying(JobEvent.Succeeded.class, succeeded ->
                        assertThat(succeeded.attempt()).isEqualTo(retried.attempt())));
    }

    @Test
    void dropsAQueuedDeliveryOfTheCancelledAttemptButRunsTheRetriedOne() throws Exception {
        JobMessage job = new JobMessage(UUID.randomUUID(), "sleep", 1, 1, Duration.ofMinutes(5),
                WireJson.mapper().readTree("{\"millis\": 60000}"), Instant.now());
        cancel(job.jobId(), job.attempt());
        // The cancel reaches the worker's exclusive control queue before the job: a queued job is cancelled before
        // any worker takes its delivery.
        await().atMost(WAIT).until(() -> cancelHeard(job));

        client.publish(job);
        JobMessage retried = client.publish(attempt(job, 2, "{\"millis\": 300}"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).last()
                .isInstanceOf(JobEvent.Succeeded.class));
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(Topology.jobQueue("sleep")))
                .isEqualTo(Map.of("ready", 0, "unacked", 0)));
        assertThat(client.eventsOf(job)).as("only the retried attempt ran").extracting(JobEvent::attempt)
                .containsOnly(retried.attempt());
    }

    @Test
    void timesOutAnAttemptPastItsDeadline() {
        JobMessage job = client.publish("sleep", "{\"millis\": 60000}", 1, Duration.ofMillis(500));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).last()
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
        client.admin().removeBinding(results);
        JobMessage job;
        try {
            job = client.publish("echo", "{\"unroutable\": true}", 3, Duration.ofSeconds(30));

            // Every event comes back unroutable: published again twice, then the delivery is requeued.
            await().atMost(WAIT).untilAsserted(() -> assertThat(rejectedAsUnconfirmed("echo")).isPositive());
            assertThat(client.eventsOf(job)).isEmpty();
        } finally {
            client.admin().declareBinding(results);
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job))
                .hasAtLeastOneElementOfType(JobEvent.Succeeded.class));
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.queueDepth(Topology.jobQueue("echo")))
                .isEqualTo(Map.of("ready", 0, "unacked", 0)));
    }

    @Test
    void announcesItsTaskTypesWithSchemasInHeartbeats() {
        await().atMost(WAIT).until(() -> !client.heartbeats().isEmpty());
        WorkerHeartbeat heartbeat = client.heartbeats().getLast();

        assertThat(heartbeat.workerId()).isEqualTo("it-worker");
        assertThat(heartbeat.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(heartbeat.stopping()).isFalse();
        assertThat(heartbeat.taskTypes()).extracting(TaskTypeDescriptor::name)
                .containsExactlyInAnyOrderElementsOf(worker.getBeansWithAnnotation(Task.class).values().stream()
                        .map(handler -> AopUtils.getTargetClass(handler).getAnnotation(Task.class).name()).toList())
                .contains("echo", "sleep", "prime-count", "pi", "fail", "hash-chain");
        TaskTypeDescriptor primes = heartbeat.taskTypes().stream()
                .filter(type -> type.name().equals("prime-count")).findFirst().orElseThrow();
        assertThat(primes.kind()).isEqualTo(TaskKind.CPU);
        assertThat(primes.concurrency()).isPositive();
        assertThat(primes.inputSchema().get("properties").has("upTo")).isTrue();
        assertThat(primes.outputSchema().get("properties").has("count")).isTrue();
        assertThat(primes.example()).isEqualTo(WireJson.mapper().readTree("{\"upTo\": 100000}"));
    }

    @Test
    void announcesFailWithoutItsDiagnosticOptionsWhenDiagnosticsAreOff() {
        await().atMost(WAIT).until(() -> !client.heartbeats().isEmpty());
        TaskTypeDescriptor fail = client.heartbeats().getLast().taskTypes().stream()
                .filter(type -> type.name().equals("fail")).findFirst().orElseThrow();

        assertThat(fail.inputSchema().get("properties").propertyNames())
                .contains("failTimes", "retryable")
                .doesNotContain("crash", "hang");
        assertThat(fail.inputSchema().get("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void refusesAFailJobAskingToCrashWhenDiagnosticsAreOff() {
        // Were crash honoured, it would halt this test's JVM.
        JobMessage job = client.publish("fail", "{\"crash\": true}", 3, Duration.ofSeconds(30));

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.eventsOf(job)).isNotEmpty());
        assertThat(client.eventsOf(job)).singleElement().isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
            assertThat(failed.failure()).isEqualTo(new Failure("invalid-input",
                    "crash: a diagnostic option, accepted only when errand.worker.diagnostics.enabled is true", false));
            assertThat(failed.willRetry()).isFalse();
        });
    }

    @Test
    void isReadyAndExposesItsMetrics() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(WireJson.mapper().readTree(readiness.body()).get("status").asString()).isEqualTo("UP");

        double before = executed("echo", "succeeded");
        client.publish("echo", "{}", 1, Duration.ofSeconds(30));
        // every series exists at 0 from the start, so only a count that went up shows the job was counted
        await().atMost(WAIT).untilAsserted(() -> assertThat(executed("echo", "succeeded")).isGreaterThan(before));
        assertThat(get("/actuator/prometheus").body())
                .contains("errand_worker_execution_seconds_bucket{")
                .contains("errand_worker_in_flight{")
                .contains("errand_worker_concurrency{");
    }

    private static double executed(String type, String outcome) throws Exception {
        Pattern sample = Pattern.compile("^errand_worker_jobs_executed_total\\{[^}]*outcome=\"" + outcome + "\""
                + "[^}]*type=\"" + type + "\"[^}]*} (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(get("/actuator/prometheus").body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /** Broadcasts a cancel of the job's attempts up to {@code attempt}, as the API does. */
    private static void cancel(UUID jobId, int attempt) {
        client.rabbit().send(Topology.CONTROL_EXCHANGE, "", new Message(WireJson.write(
                new ControlCommand.CancelJob(jobId, attempt, Instant.now()))));
    }

    private static boolean cancelHeard(JobMessage job) {
        return worker.getBean(RunningJobs.class).isCancelled(job.jobId(), job.attempt());
    }

    /** Another attempt of the same job, with a payload of its own. */
    private static JobMessage attempt(JobMessage job, int attempt, String payload) {
        return new JobMessage(job.jobId(), job.type(), attempt, Math.max(attempt, job.maxAttempts()), job.timeout(),
                WireJson.mapper().readTree(payload), job.createdAt());
    }

    private static double rejectedAsUnconfirmed(String type) throws Exception {
        Pattern sample = Pattern.compile("^errand_worker_deliveries_rejected_total\\{[^}]*reason=\"unconfirmed\""
                + "[^}]*type=\"" + type + "\"[^}]*} (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(get("/actuator/prometheus").body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        String port = worker.getEnvironment().getProperty("local.server.port");
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
