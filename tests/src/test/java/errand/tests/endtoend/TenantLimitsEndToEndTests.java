package errand.tests.endtoend;

import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits that keep one client from crowding out the others: {@code max-queued} holds per tenant, and
 * {@code errand.api.security.rate-limit} per key, each answering {@code 429} with {@code Retry-After}.
 */
class TenantLimitsEndToEndTests {

    private static final int MAX_QUEUED = 3;
    private static final int REQUESTS_PER_SECOND = 5;

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments("--errand.api.jobs.max-queued=" + MAX_QUEUED,
                    "--errand.api.jobs.backlog-count-interval=PT0.2S",
                    "--errand.api.security.rate-limit=" + REQUESTS_PER_SECOND);

    private static ErrandClient keyFor(String tenant) {
        ErrandClient.Response created = platform.api().post("/api/v1/keys", "application/json",
                "{\"name\":\"" + tenant + "\",\"tenant\":\"" + tenant
                        + "\",\"scopes\":[\"jobs:submit\",\"jobs:read\"]}",
                null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return platform.api().withKey(created.json().path("secret").asString());
    }

    /** A job that waits an hour before it runs, so it stays queued. */
    private static JobRequest aDelayedJob() {
        return anEchoJobNumbered(1).withDelay(Duration.ofHours(1));
    }

    @Test
    void oneTenantsFloodGets429sButNotItsNeighbours() {
        ErrandClient flooding = keyFor("flood-" + shortId());
        ErrandClient neighbour = keyFor("calm-" + shortId());
        for (int i = 0; i < MAX_QUEUED; i++) {
            assertThat(flooding.submit(aDelayedJob()).status()).isEqualTo(202);
        }

        ErrandClient.Response refused = await("the flooding tenant refused").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> flooding.submit(aDelayedJob()), response -> response.status() == 429);

        assertThat(refused.header("Retry-After")).isPresent();
        assertThat(refused.contentType()).startsWith("application/problem+json");
        ErrandClient.Response accepted = neighbour.submit(aDelayedJob());
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
    }

    @Test
    void aKeyPastItsRateLimitGets429WithRetryAfter() throws Exception {
        ErrandClient client = keyFor("burst-" + shortId());
        List<ErrandClient.Response> answers;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ErrandClient.Response>> calls = IntStream.range(0, REQUESTS_PER_SECOND * 10)
                    .mapToObj(i -> threads.submit(() -> client.list("limit=1"))).toList();
            answers = new ArrayList<>();
            for (Future<ErrandClient.Response> call : calls) {
                answers.add(call.get());
            }
        }

        assertThat(answers).extracting(ErrandClient.Response::status).containsOnly(200, 429).contains(429);
        ErrandClient.Response limited = answers.stream().filter(a -> a.status() == 429).findFirst().orElseThrow();
        assertThat(limited.header("Retry-After")).hasValueSatisfying(value ->
                assertThat(Integer.parseInt(value)).isPositive());
        assertThat(limited.contentType()).startsWith("application/problem+json");
        ErrandClient other = keyFor("other-" + shortId());
        assertThat(other.list("limit=1").status()).as("another key has its own budget").isEqualTo(200);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
