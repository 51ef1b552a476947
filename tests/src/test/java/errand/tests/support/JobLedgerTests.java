package errand.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.model.EventBodies;
import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.WireJson;
import org.junit.jupiter.api.Test;

/**
 * The ledger's counting, fed the events the workers publish through the real JSON codec, in the shapes the shipped
 * {@code started-report-delay} produces: a short run reports only its outcome, a longer one its start and then its
 * outcome, a run cut short only its start.
 */
class JobLedgerTests {

    private static final Instant T0 = Instant.parse("2026-12-02T01:00:00.123456Z");

    private final JobLedger ledger = JobLedger.unconnected();
    private final UUID job = UUID.randomUUID();

    @Test
    void countsARunThatReportedOnlyItsOutcomeAsOneCompletedExecution() {
        receive(succeeded(1, "worker-1", T0));

        assertThat(ledger.executionsOf(job)).containsExactly(new JobLedger.Execution(job, 1, "worker-1", T0));
        assertThat(ledger.completionsOf(job)).hasSize(1);
        assertThat(ledger.unfinishedExecutionsOn("worker-1")).isEmpty();
        assertThat(ledger.executedMoreThanOnce(List.of(job))).isEmpty();
    }

    @Test
    void countsARunThatReportedItsStartAndItsOutcomeOnce() {
        receive(new JobEvent.Started(job, 1, "worker-1", T0));
        receive(succeeded(1, "worker-1", T0));

        assertThat(ledger.executionsOf(job)).hasSize(1);
        assertThat(ledger.unfinishedExecutionsOn("worker-1")).isEmpty();
    }

    @Test
    void countsARunCutShortAfterItsStartAndItsShortRerunElsewhereAsTwoExecutions() {
        receive(new JobEvent.Started(job, 1, "worker-1", T0));
        receive(succeeded(1, "worker-2", T0.plusSeconds(2)));

        assertThat(ledger.unfinishedExecutionsOn("worker-1")).extracting(JobLedger.Execution::jobId)
                .containsExactly(job);
        assertThat(ledger.executedMoreThanOnce(List.of(job))).containsExactly(job);
        assertThat(ledger.completedMoreThanOnce(List.of(job))).isEmpty();
    }

    @Test
    void countsAShortFailedRunAndItsShortRetryAsTwoExecutionsWithoutAnyStart() {
        receive(new JobEvent.Failed(job, 1, "worker-1", T0, T0.plusMillis(5),
                new Failure("boom", "failed on purpose", true), T0.plusSeconds(1)));
        receive(succeeded(2, "worker-1", T0.plusSeconds(1)));

        assertThat(ledger.executionsOf(job)).extracting(JobLedger.Execution::attempt).containsExactly(1, 2);
        assertThat(ledger.completionsOf(job)).extracting(JobLedger.Execution::attempt).containsExactly(2);
        assertThat(ledger.unfinishedExecutionsOn("worker-1")).isEmpty();
    }

    @Test
    void keepsWhatIsNoJobEventAsUndecodable() {
        ledger.record("{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(ledger.undecodable()).containsExactly("{\"not\":\"an event\"}");
    }

    @Test
    void recordsEveryEventOfASetAsIfEachHadComeAlone() {
        ledger.record(EventBodies.join(List.of(WireJson.write(succeeded(1, "worker-1", T0)),
                "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8),
                WireJson.write(succeeded(2, "worker-2", T0.plusSeconds(1))))));

        assertThat(ledger.completionsOf(job)).extracting(JobLedger.Execution::attempt).containsExactly(1, 2);
        assertThat(ledger.undecodable()).containsExactly("{\"not\":\"an event\"}");
    }

    private JobEvent.Succeeded succeeded(int attempt, String worker, Instant startedAt) {
        return new JobEvent.Succeeded(job, attempt, worker, startedAt, startedAt.plusMillis(3),
                WireJson.mapper().readTree("{\"ok\":true}"));
    }

    private void receive(JobEvent event) {
        ledger.record(WireJson.write(event));
    }
}
