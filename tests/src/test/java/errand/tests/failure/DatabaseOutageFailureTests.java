package errand.tests.failure;

import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRequest;
import errand.tests.support.ReadinessWatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API loses PostgreSQL (its link goes through a TCP proxy, cut or frozen; the shared database is untouched):
 * submits answer {@code 503} with {@code Retry-After} and accept nothing, the API says it is not ready, the workers'
 * results wait in the reply queue, and when the database is back the API recovers by itself: submits are accepted
 * again and every job accepted before the outage completes.
 */
class DatabaseOutageFailureTests {

    private static final System.Logger LOG = System.getLogger(DatabaseOutageFailureTests.class.getName());
    private static final Duration SLEEP = ofSeconds(3);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(1).databaseThroughProxy()
            .workerArguments("--errand.worker.concurrency.sleep=4");

    private final ErrandClient api = platform.api();

    @BeforeEach
    void databaseReachable() {
        platform.databaseLink().unfreeze();
        platform.databaseLink().restore();
        await("API ready").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> ReadinessWatch.readiness(platform.apiProcess()) == 200);
    }

    @Test
    void answers503AndAcceptsNothingWhileTheDatabaseIsUnreachableThenRecoversByItself() {
        List<UUID> before = submitRunningSleeps(4);

        Instant cutAt = Instant.now();
        platform.databaseLink().cut();

        List<Response> refused = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refused.add(api.submit(JobRequest.of("echo", json("{\"n\":%d,\"marker\":\"db-cut\"}".formatted(i)))));
        }
        await("API not ready while its database is unreachable").atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> ReadinessWatch.readiness(platform.apiProcess()) == 503);
        await("workers finish the running jobs meanwhile").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> platform.ledger().jobsWithAResult(before) == before.size());

        Instant restoredAt = Instant.now();
        platform.databaseLink().restore();
        Duration recovered = awaitAcceptingAgain(restoredAt);
        LOG.log(System.Logger.Level.INFO, "database cut for {0} ms; answers during the cut: {1}",
                Duration.between(cutAt, restoredAt).toMillis(), refused);

        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, before, ofMinutes(2))
                .report(getClass(), "API's database unreachable (proxy cut) with jobs running",
                        "answers503AndAcceptsNothingWhileTheDatabaseIsUnreachableThenRecoversByItself",
                        before.size() + refused.size(), recovered);

        for (Response response : refused) {
            assertThatProblem(response).isProblem(503);
            assertThat(response.header("Retry-After")).as("Retry-After of %s", response).isPresent();
        }
        assertThat(platform.records().countWithMarker("db-cut")).as("jobs recorded from refused submits").isZero();
        verdict.assertEverySucceeded(id -> json("{\"sleptMillis\":%d}".formatted(SLEEP.toMillis())));
    }

    @Test
    void answersInBoundedTimeWhileTheDatabaseHangsAndResumesAfter() throws Exception {
        List<UUID> before = submitRunningSleeps(4);

        Instant frozenAt = Instant.now();
        platform.databaseLink().freeze();
        AtomicReference<Duration> answeredAfter = new AtomicReference<>();
        CompletableFuture<Response> submit = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                return api.submit(JobRequest.of("echo", json("{\"marker\":\"db-frozen\"}")));
            } finally {
                answeredAfter.set(Duration.ofNanos(System.nanoTime() - start));
            }
        });
        Response duringFreeze;
        try {
            duringFreeze = submit.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            duringFreeze = null;
        }
        await("workers finish the running jobs meanwhile").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> platform.ledger().jobsWithAResult(before) == before.size());

        Instant unfrozenAt = Instant.now();
        platform.databaseLink().unfreeze();
        Duration recovered = awaitAcceptingAgain(unfrozenAt);
        LOG.log(System.Logger.Level.INFO, "database frozen for {0} ms; a submit during the freeze answered {1} "
                + "after {2} ms", Duration.between(frozenAt, unfrozenAt).toMillis(), duringFreeze,
                answeredAfter.get() == null ? "-" : answeredAfter.get().toMillis());

        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, before, ofMinutes(2))
                .report(getClass(), "API's database hangs (proxy frozen) with jobs running",
                        "answersInBoundedTimeWhileTheDatabaseHangsAndResumesAfter", before.size() + 1, recovered);

        assertThat(duringFreeze).as("an answer to a submit while the database hangs, within 30 s").isNotNull();
        assertThatProblem(duringFreeze).isProblem(503);
        assertThat(duringFreeze.header("Retry-After")).as("Retry-After").isPresent();
        verdict.assertEverySucceeded(id -> json("{\"sleptMillis\":%d}".formatted(SLEEP.toMillis())));
        assertThat(platform.records().countWithMarker("db-frozen")).as("jobs recorded from the refused submit")
                .isZero();
    }

    /** Submits sleep jobs and waits until they run. */
    private List<UUID> submitRunningSleeps(int count) {
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(UUID.fromString(api.accept(JobRequest.of("sleep",
                    json("{\"millis\":%d}".formatted(SLEEP.toMillis())))).path("id").asString()));
        }
        await("the jobs run").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> jobs.stream().allMatch(id -> !platform.ledger().executionsOf(id).isEmpty()));
        return jobs;
    }

    /** Waits until a submit is accepted and its job completes; answers how long that took since {@code since}. */
    private Duration awaitAcceptingAgain(Instant since) {
        AtomicReference<UUID> probe = new AtomicReference<>();
        await("a submit accepted again").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Response response = api.submit(JobRequest.of("echo", json("{\"probe\":true}")));
                    if (response.status() == 202) {
                        probe.set(response.jobId());
                        return true;
                    }
                    return false;
                });
        api.awaitStatus(probe.get(), errand.model.JobStatus.SUCCEEDED, ofSeconds(60));
        return Duration.between(since, Instant.now());
    }
}
