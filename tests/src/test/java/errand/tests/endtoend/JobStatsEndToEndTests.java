package errand.tests.endtoend;

import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.PrometheusScrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/stats}: the maintained counts, checked against a count over the jobs table, per tenant; and the
 * {@code errand_jobs_unfinished} gauge reading the same numbers.
 */
class JobStatsEndToEndTests {

    private static final Duration SHORT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    private static ErrandClient keyIn(String tenant, String... scopes) {
        ErrandClient.Response created = platform.api().post("/api/v1/keys", "application/json",
                "{\"name\":\"stats\",\"tenant\":\"" + tenant + "\",\"scopes\":[\""
                        + String.join("\",\"", scopes) + "\"]}", null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return platform.api().withKey(created.json().path("secret").asString());
    }

    @Test
    void theStatsOfATenantMatchACountOfItsJobs() throws SQLException {
        String tenant = "stats-" + UUID.randomUUID().toString().substring(0, 8);
        ErrandClient client = keyIn(tenant, "jobs:submit", "jobs:read", "jobs:manage");
        List<UUID> ending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ending.add(client.submit(anEchoJobNumbered(i)).jobId());
        }
        ending.add(client.submit(aFailingJob(5, false)).jobId());
        ending.add(client.submit(aFailingJob(5, false)).jobId());
        client.submit(anEchoJobNumbered(9).withDelay(Duration.ofHours(1)));
        UUID cancelled = client.submit(anEchoJobNumbered(10).withDelay(Duration.ofHours(1))).jobId();
        client.post(ErrandClient.JOBS + "/" + cancelled + "/cancel", "application/json", "", null);
        ending.forEach(job -> client.awaitTerminal(job, SHORT));

        Map<String, Long> counted = countedByTypeAndStatus(tenant);
        assertThat(counted).containsExactlyInAnyOrderEntriesOf(Map.of("echo/SUCCEEDED", 5L, "fail/FAILED", 2L,
                "echo/QUEUED", 1L, "echo/CANCELLED", 1L));
        JsonNode stats = await("stats match the count").atMost(SHORT).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/api/v1/stats").json(), json -> byTypeAndStatus(json).equals(counted));

        assertThat(stats.path("total").asLong()).isEqualTo(9);
        assertThat(stats.path("byStatus").path("SUCCEEDED").asLong()).isEqualTo(5);
        assertThat(stats.path("byStatus").path("FAILED").asLong()).isEqualTo(2);
        assertThat(stats.path("byStatus").path("QUEUED").asLong()).isEqualTo(1);
        assertThat(stats.path("byStatus").path("CANCELLED").asLong()).isEqualTo(1);
        assertThat(stats.path("byStatus").path("RUNNING").asLong()).isZero();
        JsonNode lastHour = stats.path("lastHour");
        assertThat(lastHour.path("finished").asLong()).isEqualTo(8);
        assertThat(lastHour.path("succeeded").asLong()).isEqualTo(5);
        assertThat(lastHour.path("failed").asLong()).isEqualTo(2);
        assertThat(lastHour.path("cancelled").asLong()).isEqualTo(1);
    }

    @Test
    void aTenantSeesOnlyItsOwnCounts() {
        ErrandClient busy = keyIn("busy-" + UUID.randomUUID().toString().substring(0, 8), "jobs:submit", "jobs:read");
        ErrandClient idle = keyIn("idle-" + UUID.randomUUID().toString().substring(0, 8), "jobs:read");
        busy.awaitTerminal(busy.submit(anEchoJobNumbered(1)).jobId(), SHORT);

        await("the busy tenant's job counted").atMost(SHORT)
                .until(() -> busy.get("/api/v1/stats").json().path("total").asLong() == 1);

        JsonNode idleStats = idle.get("/api/v1/stats").json();
        assertThat(idleStats.path("total").asLong()).isZero();
        assertThat(idleStats.path("byType").isEmpty()).isTrue();
        assertThat(idleStats.path("lastHour").path("finished").asLong()).isZero();
    }

    @Test
    void theUnfinishedGaugeReadsTheSameNumbers() throws SQLException {
        ErrandClient client = keyIn("gauge-" + UUID.randomUUID().toString().substring(0, 8), "jobs:submit");
        for (int i = 0; i < 3; i++) {
            client.submit(anEchoJobNumbered(i).withDelay(Duration.ofHours(1)));
        }
        long queued = countAll("select count(*) from jobs where status = 'QUEUED'");

        await("the gauge counts every tenant's queued jobs").atMost(SHORT).pollInterval(Duration.ofMillis(500))
                .until(() -> PrometheusScrape.of(platform.apiProcess())
                        .sum("errand_jobs_unfinished", "status", "QUEUED") == queued);
    }

    private static Map<String, Long> byTypeAndStatus(JsonNode stats) {
        Map<String, Long> counts = new TreeMap<>();
        stats.path("byType").properties().forEach(type -> type.getValue().properties().forEach(status ->
                counts.put(type.getKey() + "/" + status.getKey(), status.getValue().asLong())));
        return counts;
    }

    private static Map<String, Long> countedByTypeAndStatus(String tenant) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = platform.services().openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select type, status, count(*) from jobs where tenant = ? group by type, status")) {
            statement.setString(1, tenant);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    counts.put(result.getString(1) + "/" + result.getString(2), result.getLong(3));
                }
            }
        }
        return counts;
    }

    private static long countAll(String sql) throws SQLException {
        try (Connection connection = platform.services().openDatabase();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }
}
