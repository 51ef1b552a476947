package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.rabbitmq.client.AMQP;
import errand.model.JobStatus;
import errand.model.Topology;
import errand.tests.support.BrokerControl;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Failed attempts end to end: retried with backoff through the broker until one succeeds; a non-retryable failure
 * fails the job at once; exhausted attempts fail it and leave a copy in {@code errand.dead} with the reason; a poison
 * message lands in {@code errand.dead} while other jobs keep flowing; {@code POST /retry} replays a FAILED job as a
 * new attempt; and an attempt past its timeout fails as {@code timeout}.
 */
class RetriesAndDeadLettersEndToEndTests {

    private static final Duration DONE = ofSeconds(60);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(1);

    private final ErrandClient api = platform.api();

    @Test
    void retriesAFailingJobUntilItSucceedsKeepingEveryAttemptsError() {
        UUID id = accept(aFailingJob(2, true));

        FaultVerdict.awaitOutcomes(platform, List.of(id), DONE)
                .report(getClass(), "retryable failure twice, then success",
                        "retriesAFailingJobUntilItSucceedsKeepingEveryAttemptsError", 1, null)
                .assertNoneLost();
        JsonNode job = api.job(id);

        assertThatJob(job).succeededWith(json("{\"attempt\":3}")).hasAttempts(3);
        JsonNode history = job.path("attemptHistory");
        assertThat(history).as("attempt history of %s", job).hasSize(3);
        for (int attempt = 1; attempt <= 2; attempt++) {
            JsonNode failed = history.get(attempt - 1);
            assertThat(failed.path("attempt").asInt()).isEqualTo(attempt);
            assertThat(failed.path("status").asString()).as("attempt %d", attempt).isEqualTo("FAILED");
            assertThat(failed.path("error").path("message").asString()).as("error of attempt %d", attempt)
                    .contains("planned failure on attempt " + attempt);
        }
        assertThat(history.get(2).path("status").asString()).isEqualTo("SUCCEEDED");
    }

    /**
     * The worker's default backoff is 1 s ({@code fail} sets none), doubling per attempt: 1 s, 2 s, 4 s, of which the
     * jitter takes at most a fifth off. Measured on the recorded attempts, from a failure's report to the next
     * attempt's start: each gap is at least its backoff less the jitter, so the gaps double. Only lower bounds: how
     * much later an attempt starts depends on the machine. Timestamps are stored to the microsecond, hence 1 ms of
     * slack.
     */
    @Test
    void waitsABackoffThatDoublesBeforeEachRetry() {
        UUID id = accept(aFailingJob(3, true).withMaxAttempts(4));

        JsonNode job = api.awaitTerminal(id, DONE);

        assertThatJob(job).succeededWith(json("{\"attempt\":4}")).hasAttempts(4);
        JsonNode history = job.path("attemptHistory");
        assertThat(history).as("attempt history of %s", job).hasSize(4);
        Duration backoff = ofSeconds(1);
        for (int attempt = 2; attempt <= 4; attempt++) {
            Instant previousFailed = Instant.parse(history.get(attempt - 2).path("finishedAt").asString());
            Instant started = Instant.parse(history.get(attempt - 1).path("startedAt").asString());
            Duration leastWait = Duration.ofMillis((long) (backoff.toMillis() * (1 - 0.2))).minusMillis(1);

            assertThat(Duration.between(previousFailed, started))
                    .as("wait before attempt %d (backoff %s) in %s", attempt, backoff, history)
                    .isGreaterThanOrEqualTo(leastWait);
            backoff = backoff.multipliedBy(2);
        }
        report("retryable failure three times, backoff 1 s doubling", "waitsABackoffThatDoublesBeforeEachRetry", id);
    }

    @Test
    void retriesManyFailingJobsAtOnceUntilEachSucceedsOnItsThirdAttempt() {
        int count = 40;
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(accept(aFailingJob(2, true)));
        }

        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, jobs, ofSeconds(90))
                .report(getClass(), "40 jobs failing twice each, retried concurrently",
                        "retriesManyFailingJobsAtOnceUntilEachSucceedsOnItsThirdAttempt", count, null);

        verdict.assertEverySucceeded(id -> json("{\"attempt\":3}"));
        assertThat(jobs).allSatisfy(id -> assertThat(verdict.row(id).attempts()).as("attempts of %s", id)
                .isEqualTo(3));
    }

    @Test
    void failsANonRetryableJobAtOnceAndReplaysItOnRetry() {
        UUID id = accept(aFailingJob(1, false));

        JsonNode failed = api.awaitTerminal(id, DONE);

        assertThatJob(failed).hasStatus(JobStatus.FAILED).hasAttempts(1);
        assertThat(failed.path("error").path("retryable").asBoolean(true)).as("error of %s", failed).isFalse();

        Response retry = api.post(ErrandClient.JOBS + "/" + id + "/retry", "application/json", "", null);

        assertThat(retry.status()).as("%s", retry).isEqualTo(202);
        JsonNode replayed = api.awaitTerminal(id, DONE);
        assertThatJob(replayed).succeededWith(json("{\"attempt\":2}")).hasAttempts(2);
        assertThatProblem(api.post(ErrandClient.JOBS + "/" + id + "/retry", "application/json", "", null))
                .isProblem(409);
        report("non-retryable failure, then POST /retry", "failsANonRetryableJobAtOnceAndReplaysItOnRetry", id);
    }

    @Test
    void deadLettersAJobThatExhaustsItsAttemptsWithTheReason() {
        UUID id = accept(aFailingJob(10, true).withMaxAttempts(2));

        JsonNode job = api.awaitTerminal(id, DONE);

        assertThatJob(job).hasStatus(JobStatus.FAILED).hasAttempts(2);
        List<BrokerControl.DeadLetter> letters = new ArrayList<>();
        await("the exhausted job in " + Topology.DEAD_QUEUE).atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    letters.addAll(platform.broker().takeDeadLetters());
                    return letters.stream().anyMatch(letter -> id.toString().equals(letter.messageId()));
                });
        BrokerControl.DeadLetter letter = letters.stream()
                .filter(candidate -> id.toString().equals(candidate.messageId())).findFirst().orElseThrow();
        assertThat(letter.reason()).as("dead reason of %s", letter).contains("attempts exhausted");
        report("attempts exhausted", "deadLettersAJobThatExhaustsItsAttemptsWithTheReason", id);
    }

    @Test
    void deadLettersAPoisonMessageWhileOtherJobsKeepFlowing() {
        String poisonId = "poison-" + UUID.randomUUID();
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(poisonId)
                .contentType("application/json").deliveryMode(2).type("echo").build();

        platform.broker().publishRaw(Topology.JOBS_EXCHANGE, "echo", properties,
                "{this is not a job".getBytes(StandardCharsets.UTF_8));
        List<UUID> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            others.add(accept(JobRequest.of("echo", json("{\"n\":%d}".formatted(i)))));
        }

        List<BrokerControl.DeadLetter> letters = new ArrayList<>();
        await("the poison message in " + Topology.DEAD_QUEUE).atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    letters.addAll(platform.broker().takeDeadLetters());
                    return letters.stream().anyMatch(letter -> poisonId.equals(letter.messageId()));
                });
        BrokerControl.DeadLetter poison = letters.stream()
                .filter(letter -> poisonId.equals(letter.messageId())).findFirst().orElseThrow();
        assertThat(poison.xDeathReason()).as("x-death of %s", poison).isEqualTo("rejected");
        assertThat(poison.xDeathQueue()).isEqualTo(Topology.jobQueue("echo"));
        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, others, DONE)
                .report(getClass(), "poison message (unparseable body) in errand.jobs.echo",
                        "deadLettersAPoisonMessageWhileOtherJobsKeepFlowing", others.size() + 1, null);
        verdict.assertEverySucceeded(id -> json("{\"n\":%d}".formatted(others.indexOf(id))));
    }

    @Test
    void failsAnAttemptThatOutlivesItsTimeout() {
        UUID id = accept(JobRequest.of("sleep", json("{\"millis\":5000}")).withTimeout(ofSeconds(1))
                .withMaxAttempts(1));

        JsonNode job = api.awaitTerminal(id, DONE);

        assertThatJob(job).hasStatus(JobStatus.FAILED).hasAttempts(1);
        // The outcome, not the clock, shows the attempt was stopped: the timeout failure names the job's 1 s limit,
        // and there is no result (a sleep that ran out would have answered {"sleptMillis":5000}).
        assertThat(job.path("error").path("type").asString()).as("error of %s", job).isEqualTo("timeout");
        assertThat(job.path("error").path("message").asString()).as("error of %s", job).contains("PT1S");
        assertThat(job.path("result").isNull() || job.path("result").isMissingNode()).as("result of %s", job)
                .isTrue();
        report("attempt past its timeout (PT1S, sleep 5 s)", "failsAnAttemptThatOutlivesItsTimeout", id);
    }

    private UUID accept(JobRequest job) {
        return UUID.fromString(api.accept(job).path("id").asString());
    }

    private void report(String fault, String test, UUID id) {
        FaultVerdict.judge(platform, List.of(id), Duration.ZERO).report(getClass(), fault, test, 1, null)
                .assertNoneLost();
    }
}
