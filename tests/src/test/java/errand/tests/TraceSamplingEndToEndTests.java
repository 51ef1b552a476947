package errand.tests;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import errand.model.JobStatus;

/**
 * Sampling at probability 1 ({@code management.tracing.sampling.probability}, the README's
 * {@code MANAGEMENT_TRACING_SAMPLING_PROBABILITY}): every new trace is recorded by both apps, yet a caller's
 * unsampled flag is followed and its trace, though not recorded, keeps its id. {@link TracePropagationEndToEndTests}
 * runs at probability 0.
 */
class TraceSamplingEndToEndTests {

    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    static final OtlpCollector collector = OtlpCollector.start();

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments(TracePropagationEndToEndTests.tracingArguments(collector, "1.0"))
            .workerArguments(TracePropagationEndToEndTests.tracingArguments(collector, "1.0"));

    @AfterAll
    static void stopTheCollector() {
        collector.close();
    }

    @Test
    void recordsANewTraceInBothAppsAtProbabilityOne() {
        UUID id = UUID.fromString(platform.api().accept(JobFixtures.anEchoJobNumbered(1)).path("id").asString());
        String trace = platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30)).path("traceId").asString();

        await("spans of the new trace " + trace + " from both apps").atMost(ofSeconds(30))
                .until(() -> servicesThatExported(trace), services -> services.size() == 2);
        assertThat(servicesThatExported(trace)).containsExactlyInAnyOrder("producer-api", "errand-worker");
    }

    @Test
    void followsACallersUnsampledFlagAndStillStoresItsTraceId() {
        String unsampledTrace = "8bf92f3577b34da6a3ce929d0e0e4736";
        ErrandClient.Response submitted = platform.api().submitInTrace(JobFixtures.anEchoJobNumbered(2),
                "00-" + unsampledTrace + "-" + CALLER_SPAN + "-00");
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
        assertThat(platform.api().awaitStatus(submitted.jobId(), JobStatus.SUCCEEDED, ofSeconds(30))
                .path("traceId").asString()).isEqualTo(unsampledTrace);

        // a new (so, at probability 1, sampled) job after it: once its spans are in from both apps, anything the
        // earlier job recorded would have been exported too
        UUID later = UUID.fromString(platform.api().accept(JobFixtures.anEchoJobNumbered(3)).path("id").asString());
        String laterTrace = platform.api().awaitStatus(later, JobStatus.SUCCEEDED, ofSeconds(30)).path("traceId")
                .asString();
        await("spans of the later trace from both apps").atMost(ofSeconds(30))
                .until(() -> servicesThatExported(laterTrace), services -> services.size() == 2);

        assertThat(collector.spansOfTrace(unsampledTrace)).as("spans of the caller's unsampled trace").isEmpty();
    }

    private static Set<String> servicesThatExported(String trace) {
        return collector.spansOfTrace(trace).stream().map(OtlpCollector.ExportedSpan::service)
                .collect(Collectors.toSet());
    }
}
