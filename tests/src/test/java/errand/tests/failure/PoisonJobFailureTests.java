package errand.tests.failure;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobFixtures.aCrashingJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import errand.model.JobStatus;
import errand.model.Topology;
import errand.tests.support.AppProcess;
import errand.tests.support.BrokerControl;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRecords;
import errand.tests.support.JobRequest;
import errand.tests.support.WorkerSupervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A poison job: a {@code fail} job with {@code crash} halts whichever worker runs it, on every delivery. A
 * {@link WorkerSupervisor} restarts the crashed workers, as systemd or Kubernetes would, and each restart takes the
 * job again, until the broker's count of deliveries passes the job queue's delivery limit and it dead-letters the
 * message to {@code errand.dead}; the API learns of it from {@code errand.dead.notices} and fails the job. Echo jobs
 * submitted all along, on the crashing workers and on a worker that serves only {@code echo}, all succeed.
 */
class PoisonJobFailureTests {

    /** Deliveries of a message that kills its consumer every time: the first, plus one per return up to the limit. */
    private static final int POISON_DELIVERIES = Topology.DELIVERY_LIMIT + 1;

    /**
     * The crashing workers run their default 16 slots of {@code fail}: all of a type's consumers share one channel,
     * so a crash costs the poison job exactly one delivery however many slots the worker has. {@code crash} is a
     * diagnostic option, which a worker honours only with diagnostics enabled.
     */
    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            // crash is a diagnostic option. The poison job halts its worker at once, long before the default 100 ms
            // after which a run reports its start; only a start confirmed before the handler runs lets the ledger
            // count each of its runs.
            .workerArguments("--errand.worker.diagnostics.enabled=true", "--errand.worker.started-report-delay=0");

    private final ErrandClient api = platform.api();

    @Test
    void deadLettersAJobThatCrashesEveryWorkerItReachesWhileOtherJobsKeepFlowing() {
        AppProcess echoOnly = platform.startWorker("--errand.worker.task-types=echo");
        List<String> crashable = List.of(FaultPlatform.workerId(platform.worker(1)),
                FaultPlatform.workerId(platform.worker(2)));
        List<UUID> echoes = new ArrayList<>();
        UUID poison;
        Instant submitted;
        Instant deadLettered;
        JsonNode failed;
        int restarts;
        try (WorkerSupervisor supervisor = WorkerSupervisor.supervise(platform)) {
            submitted = Instant.now();
            poison = accept(aCrashingJob());
            failed = await("the poison job FAILED, echo jobs submitted meanwhile").atMost(ofMinutes(6))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        echoes.add(accept(anEchoJobNumbered(echoes.size())));
                        return api.job(poison);
                    }, job -> JobStatus.valueOf(job.path("status").asString()).isTerminal());
            deadLettered = Instant.now();
            await("every worker running again").atMost(ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> platform.workers().stream().allMatch(AppProcess::isAlive));
            restarts = supervisor.restarts();
        }

        List<UUID> all = new ArrayList<>(echoes);
        all.add(poison);
        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, all, ofMinutes(3));
        verdict.report(getClass(), "poison job (`crash`) kills its worker on every delivery; crashed workers "
                + "restarted", "deadLettersAJobThatCrashesEveryWorkerItReachesWhileOtherJobsKeepFlowing", all.size(),
                Duration.between(submitted, deadLettered));

        verdict.assertNoneLost();
        assertThatJob(failed).hasStatus(JobStatus.FAILED).hasAttempts(1);
        assertThat(failed.path("error").path("type").asString()).as("error of %s", failed)
                .isEqualTo("dead-lettered");
        assertThat(failed.path("error").path("message").asString()).as("error of %s", failed)
                .contains(Topology.jobQueue("fail")).contains("delivery_limit");
        assertThat(platform.ledger().executionsOf(poison)).as("runs of the poison job")
                .hasSize(POISON_DELIVERIES)
                .allSatisfy(run -> assertThat(run.workerId()).isIn(crashable));
        assertThat(restarts).as("worker restarts, one per crash").isGreaterThanOrEqualTo(POISON_DELIVERIES);
        assertThat(Duration.between(submitted, deadLettered)).as("time until the poison job was dead-lettered")
                .isLessThan(ofMinutes(6));

        BrokerControl.DeadLetter letter = deadLetterOf(poison);
        assertThat(letter.xDeathReason()).as("x-death of %s", letter).isEqualTo("delivery_limit");
        assertThat(letter.xDeathQueue()).isEqualTo(Topology.jobQueue("fail"));

        for (UUID echo : echoes) {
            JobRecords.JobRow row = verdict.row(echo);
            assertThat(row).as("echo job %s", echo).isNotNull();
            assertThat(row.status()).as("echo job %s", row).isEqualTo("SUCCEEDED");
            assertThat(row.result()).as("echo job %s", row).isEqualTo(anEchoJobNumbered(echoes.indexOf(echo))
                    .payload());
        }
        Set<UUID> ranOnCrashingWorkers = new HashSet<>();
        for (String worker : crashable) {
            platform.ledger().executionsOn(worker).forEach(run -> ranOnCrashingWorkers.add(run.jobId()));
        }
        assertThat(verdict.executedTwice()).as("jobs run more than once: the poison job, and echo jobs a crash "
                + "caught before their delivery was acknowledged").contains(poison).isSubsetOf(ranOnCrashingWorkers);
        assertThat(echoOnly.isAlive()).as("the echo-only worker never took the poison job").isTrue();
    }

    private UUID accept(JobRequest job) {
        return UUID.fromString(api.accept(job).path("id").asString());
    }

    private static BrokerControl.DeadLetter deadLetterOf(UUID id) {
        List<BrokerControl.DeadLetter> letters = new ArrayList<>();
        await("job " + id + " in " + Topology.DEAD_QUEUE).atMost(ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    letters.addAll(platform.broker().takeDeadLetters());
                    return letters.stream().anyMatch(letter -> id.toString().equals(letter.messageId()));
                });
        return letters.stream().filter(letter -> id.toString().equals(letter.messageId())).findFirst().orElseThrow();
    }
}
