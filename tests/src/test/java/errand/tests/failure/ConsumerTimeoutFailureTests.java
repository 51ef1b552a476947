package errand.tests.failure;

import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRequest;
import errand.testsupport.Rabbitmqctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Celery's best-known trap, on purpose: the broker's {@code consumer_timeout} shortened at run time to 5 s (with a 1 s
 * channel tick, so RabbitMQ 3.10 checks it), while a job runs 12 s. The worker holds the delivery only up to its hold
 * limit (2 s), then acknowledges it and runs on under a lease, so the broker never times the channel out and the job
 * completes exactly once; short jobs keep flowing beside it.
 *
 * <p>This class changes two <b>global</b> settings of the shared broker, for about 30 s, and restores exactly the
 * values read before whatever happens (try-with-resources); if another run on the same broker had already set the same
 * short values, RabbitMQ's defaults (30 min, 60 s). Channels that other clients open meanwhile get the short timeout
 * too. It fails where {@code rabbitmqctl} cannot reach the broker.
 */
class ConsumerTimeoutFailureTests {

    private static final Duration CONSUMER_TIMEOUT = ofSeconds(5);
    private static final Duration LONG_JOB = ofSeconds(12);
    private static final Duration RABBITMQ_DEFAULT_CONSUMER_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration RABBITMQ_DEFAULT_CHANNEL_TICK = ofSeconds(60);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            .workerArguments("--errand.worker.hold-limit=2s", "--errand.worker.concurrency.sleep=2");

    private final ErrandClient api = platform.api();

    @Test
    void completesAJobLongerThanAShortenedConsumerTimeoutExactlyOnce() {
        Rabbitmqctl.requireReachable();
        UUID longJob;
        List<UUID> shortJobs = new ArrayList<>();
        try (Rabbitmqctl.BrokerSettings timeout = Rabbitmqctl.override("consumer_timeout",
                CONSUMER_TIMEOUT.toMillis(), RABBITMQ_DEFAULT_CONSUMER_TIMEOUT.toMillis());
                Rabbitmqctl.BrokerSettings tick = Rabbitmqctl.override("channel_tick_interval", 1_000,
                        RABBITMQ_DEFAULT_CHANNEL_TICK.toMillis())) {
            // RabbitMQ 3.10 channels read both when they open: restart the workers so theirs do
            for (AppProcess worker : platform.workers()) {
                worker.stop();
                worker.restart();
            }
            platform.awaitTaskTypesKnown(ErrandPlatform.BUILT_IN_TYPES);

            longJob = UUID.fromString(api.accept(JobRequest.of("sleep",
                    json("{\"millis\":%d}".formatted(LONG_JOB.toMillis())))).path("id").asString());
            api.awaitStatus(longJob, JobStatus.RUNNING, ofSeconds(30));
            for (int i = 0; i < 10; i++) {
                UUID shortJob = UUID.fromString(api.accept(JobRequest.of("echo", json("{\"n\":%d}".formatted(i))))
                        .path("id").asString());
                shortJobs.add(shortJob);
                api.awaitStatus(shortJob, JobStatus.SUCCEEDED, ofSeconds(10));
            }
            api.awaitTerminal(longJob, LONG_JOB.plusSeconds(60));
        } finally {
            // let later classes' workers open channels with the restored defaults
            platform.workers().forEach(AppProcess::stop);
        }

        List<UUID> all = new ArrayList<>(shortJobs);
        all.add(longJob);
        UUID finalLongJob = longJob;
        FaultVerdict verdict = FaultVerdict.judge(platform, all, Duration.ZERO)
                .report(getClass(), "consumer_timeout shortened to 5 s at run time, 12 s job (hold limit 2 s)",
                        "completesAJobLongerThanAShortenedConsumerTimeoutExactlyOnce", all.size(), null);
        verdict.assertEverySucceeded(id -> id.equals(finalLongJob)
                ? json("{\"sleptMillis\":%d}".formatted(LONG_JOB.toMillis()))
                : json("{\"n\":%d}".formatted(shortJobs.indexOf(id))));
        assertThat(platform.ledger().executionsOf(longJob)).as("runs of the long job").hasSize(1);
        assertThat(verdict.row(longJob).attempts()).as("attempts of the long job").isEqualTo(1);
        assertThat(platform.ledger().eventsOf(longJob)).as("the long job ran under a lease")
                .anyMatch(received -> received.event() instanceof errand.model.JobEvent.Leased);
    }
}
