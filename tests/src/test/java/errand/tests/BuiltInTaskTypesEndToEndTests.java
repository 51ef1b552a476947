package errand.tests;

import static errand.tests.JobAssert.assertThatJob;
import static errand.tests.JobFixtures.aFailingJob;
import static errand.tests.JobFixtures.aPiJob;
import static errand.tests.JobFixtures.aPrimeCountJob;
import static errand.tests.JobFixtures.aRichPayload;
import static errand.tests.JobFixtures.aSleepJob;
import static errand.tests.JobFixtures.anEchoJob;
import static errand.tests.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import errand.model.JobStatus;

/** Every built-in task type, run by a real worker, gives its documented result. */
class BuiltInTaskTypesEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    private final ErrandClient api = platform.api();

    @Test
    void echoAnswersWithItsPayload() {
        JsonNode payload = aRichPayload();

        JsonNode job = runToEnd(anEchoJob(payload));

        assertThatJob(job).hasType("echo").hasPayload(payload).succeededWith(payload).hasAttempts(1);
    }

    @Test
    void sleepAnswersWithHowLongItSlept() {
        JsonNode job = runToEnd(aSleepJob(Duration.ofMillis(1500)));

        assertThatJob(job).succeededWith(json("{\"sleptMillis\":1500}"));
        Duration ran = Duration.between(java.time.Instant.parse(job.path("startedAt").asString()),
                java.time.Instant.parse(job.path("finishedAt").asString()));
        assertThat(ran).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }

    @Test
    void primeCountCountsThePrimesUpToTheLimit() {
        JsonNode job = runToEnd(aPrimeCountJob(100_000));

        assertThatJob(job).succeededWith(json("{\"count\":9592}"));
    }

    @Test
    void piEstimatesPiTheSameWayForTheSameSeed() {
        UUID first = api.accept(aPiJob(1_000_000, 42)).path("id").asString().transform(UUID::fromString);
        UUID second = api.accept(aPiJob(1_000_000, 42)).path("id").asString().transform(UUID::fromString);
        UUID otherSeed = api.accept(aPiJob(1_000_000, 7)).path("id").asString().transform(UUID::fromString);

        JsonNode firstJob = api.awaitTerminal(first, ofSeconds(60));
        JsonNode secondJob = api.awaitTerminal(second, ofSeconds(60));
        JsonNode otherJob = api.awaitTerminal(otherSeed, ofSeconds(60));

        assertThatJob(firstJob).hasStatus(JobStatus.SUCCEEDED);
        double estimate = firstJob.path("result").path("estimate").asDouble();
        assertThat(estimate).isCloseTo(Math.PI, within(0.01));
        assertThat(secondJob.path("result")).isEqualTo(firstJob.path("result"));
        assertThat(otherJob.path("result").path("estimate").asDouble())
                .isCloseTo(Math.PI, within(0.01))
                .isNotEqualTo(estimate);
    }

    @Test
    void failingTypeIsRetriedThroughTheBrokerUntilItSucceeds() {
        JsonNode job = runToEnd(aFailingJob(2, true).withMaxAttempts(5));

        assertThatJob(job).succeededWith(json("{\"attempt\":3}")).hasAttempts(3);
        JobTable.Row row = platform.jobTable().row(UUID.fromString(job.path("id").asString()));
        assertThat(row).isEqualTo(new JobTable.Row("SUCCEEDED", 3));
    }

    @Test
    void nonRetryableFailureFailsTheJobAtOnce() {
        JsonNode job = runToEnd(aFailingJob(1, false).withMaxAttempts(5));

        assertThatJob(job).hasStatus(JobStatus.FAILED).hasAttempts(1).hasTimestamps("startedAt", "finishedAt");
        assertThat(job.path("error").isNull() || job.path("error").isMissingNode())
                .as("the failure is recorded: %s", job).isFalse();
        assertThat(job.path("result").isNull() || job.path("result").isMissingNode()).as("%s", job).isTrue();
    }

    @Test
    void retryableFailureFailsTheJobWhenItsAttemptsRunOut() {
        JsonNode job = runToEnd(aFailingJob(5, true).withMaxAttempts(2));

        assertThatJob(job).hasStatus(JobStatus.FAILED).hasAttempts(2);
    }

    @Test
    void listsEveryBuiltInTypeWithItsSchemaAndLiveWorkers() {
        JsonNode types = api.taskTypes();

        List<String> names = types.valueStream().map(type -> type.path("name").asString("")).toList();
        assertThat(names).containsAll(ErrandPlatform.BUILT_IN_TYPES);
        for (JsonNode type : types) {
            if (!ErrandPlatform.BUILT_IN_TYPES.contains(type.path("name").asString(""))) {
                continue;
            }
            assertThat(type.path("kind").asString("")).as("%s", type).isIn("CPU", "IO");
            assertThat(type.path("inputSchema").isObject()).as("input schema of %s", type).isTrue();
            assertThat(type.path("outputSchema").isObject()).as("output schema of %s", type).isTrue();
            assertThat(type.path("maxAttempts").asInt(0)).as("%s", type).isPositive();
            assertThat(Duration.parse(type.path("timeout").asString())).as("%s", type).isPositive();
            assertThat(Duration.parse(type.path("retryBackoff").asString())).as("%s", type).isPositive();
            assertThat(type.path("liveWorkers").asInt(0)).as("%s", type).isEqualTo(1);
        }
        JsonNode primeCount = api.taskType("prime-count").orElseThrow();
        assertThat(primeCount.path("kind").asString()).isEqualTo("CPU");
        assertThat(primeCount.path("inputSchema").path("properties").has("upTo")).as("%s", primeCount).isTrue();
        assertThat(api.taskType("word-frequency").orElseThrow().path("retryBackoff").asString()).isEqualTo("PT2S");
    }

    @Test
    void listsTheRunningWorker() {
        JsonNode workers = api.workers();

        assertThat(workers.isArray()).as("%s", workers).isTrue();
        assertThat(workers).hasSize(1);
    }

    @Test
    void runsTheExampleOfEveryTypeItLists() {
        List<String> listed = api.taskTypes().valueStream().map(type -> type.path("name").asString("")).toList();
        assertThat(listed).containsAll(ErrandPlatform.BUILT_IN_TYPES);
        for (String name : listed) {
            JsonNode example = api.taskType(name).orElseThrow().path("example");
            assertThat(example.isObject()).as("example of %s: %s", name, example).isTrue();

            JsonNode job = runToEnd(JobRequest.of(name, example));

            assertThatJob(job).as("example of %s", name).hasStatus(JobStatus.SUCCEEDED);
        }
    }

    private JsonNode runToEnd(JobRequest request) {
        JsonNode accepted = api.accept(request);
        return api.awaitTerminal(UUID.fromString(accepted.path("id").asString()), ofSeconds(60));
    }
}
