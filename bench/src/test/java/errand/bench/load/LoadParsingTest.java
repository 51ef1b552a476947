package errand.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoadParsingTest {

    @Test
    void countsTheIdsOfABatchAnswer() {
        assertThat(LoadGenerator.acceptedIds("{\"jobs\":[{\"id\":\"0b5e3c4e-1d0c-4d8e-9c55-0a1b2c3d4e5f\","
                + "\"status\":\"QUEUED\"},{\"id\":\"1b5e3c4e-1d0c-4d8e-9c55-0a1b2c3d4e5f\"},{\"status\":\"x\"}]}"))
                .isEqualTo(2);
        assertThat(LoadGenerator.acceptedIds("{\"jobs\":[]}")).isZero();
    }

    @Test
    void seesFlowControlInTheConnectionsStates() {
        assertThat(FlowSampler.throttled("[{\"state\":\"running\"},{\"state\":\"flow\"}]")).isTrue();
        assertThat(FlowSampler.throttled("[{\"state\":\"blocked\"}]")).isTrue();
        assertThat(FlowSampler.throttled("[{\"state\":\"running\"},{\"name\":\"flow\"}]")).isFalse();
        assertThat(FlowSampler.throttled("[]")).isFalse();
    }

    @Test
    void percentilesAndRounding() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(LoadGenerator.percentile(sorted, 0.5)).isEqualTo(5);
        assertThat(LoadGenerator.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(LoadGenerator.percentile(new long[0], 0.5)).isZero();
        assertThat(LoadGenerator.round3(1.23456)).isEqualTo(1.235);
    }

    @Test
    void primeCount() {
        assertThat(PrimeCount.of(1)).isZero();
        assertThat(PrimeCount.of(100)).isEqualTo(25);
        assertThat(PrimeCount.of(2_000_000)).isEqualTo(148_933);
    }

    @Test
    void workloads() {
        Workload rate = Workload.rate("round1", "rate-0.5", 100.5, 20);
        assertThat(rate.jobs()).isEqualTo(2010);
        assertThat(rate.maxInFlight()).isEqualTo(256);
        assertThat(Workload.batch("warmup", 100).batchSize()).isEqualTo(500);
        Workload stats = Workload.stats("round1", "stats-full", 400);
        assertThat(List.of(stats.kind(), stats.label())).containsExactly("stats", "stats-full");
        assertThat(stats.jobs()).isEqualTo(400);
        assertThat(stats.clients()).isEqualTo(4);
    }

    @Test
    void judgesTheAnswersOfTheReadAndListWorkloads() {
        String id = "0b5e3c4e-1d0c-4d8e-9c55-0a1b2c3d4e5f";
        assertThat(LoadGenerator.answers("/api/v1/jobs/" + id, "{\"id\":\"" + id + "\",\"status\":\"SUCCEEDED\"}"))
                .isTrue();
        assertThat(LoadGenerator.answers("/api/v1/jobs/" + id, "{\"id\":\"1b5e3c4e-1d0c-4d8e-9c55-0a1b2c3d4e5f\"}"))
                .isFalse();
        assertThat(LoadGenerator.answers("/api/v1/jobs/" + id, "{}")).isFalse();
        String list = LoadGenerator.LIST_PATH;
        assertThat(LoadGenerator.answers(list, "{\"jobs\":[{\"id\":\"" + id + "\",\"type\":\"echo\","
                + "\"status\":\"SUCCEEDED\"}],\"next\":null}")).isTrue();
        assertThat(LoadGenerator.answers(list, "{\"jobs\":[],\"next\":null}")).isFalse();
        assertThat(LoadGenerator.answers(list, "{\"jobs\":[{\"type\":\"echo\",\"status\":\"FAILED\"}]}")).isFalse();
        assertThat(LoadGenerator.answers(list, "{\"jobs\":[{\"type\":\"report\",\"status\":\"SUCCEEDED\"}]}"))
                .isFalse();
    }

    @Test
    void judgesTheAnswersOfTheStatsWorkloadByTheirShape() {
        String stats = LoadGenerator.STATS_PATH;
        String byStatus = "{\"QUEUED\":0,\"RUNNING\":0,\"RETRYING\":0,\"SUCCEEDED\":930,\"FAILED\":50,"
                + "\"CANCELLED\":20}";
        String lastHour = "{\"finished\":1000,\"succeeded\":930,\"failed\":50,\"cancelled\":20}";
        assertThat(LoadGenerator.answers(stats, "{\"total\":1000,\"byStatus\":" + byStatus + ",\"byType\":"
                + "{\"echo\":{\"SUCCEEDED\":930,\"FAILED\":50,\"CANCELLED\":20}},\"lastHour\":" + lastHour
                + ",\"asOf\":\"2025-01-01T00:00:00Z\"}")).isTrue();
        // an empty tenant: no type, every status 0
        assertThat(LoadGenerator.answers(stats, "{\"total\":0,\"byStatus\":" + byStatus.replaceAll("\\d+", "0")
                + ",\"byType\":{},\"lastHour\":" + lastHour.replaceAll("\\d+", "0") + "}")).isTrue();
        assertThat(LoadGenerator.answers(stats, "{\"total\":1000,\"byStatus\":{\"SUCCEEDED\":930},\"byType\":{},"
                + "\"lastHour\":" + lastHour + "}")).isFalse();
        assertThat(LoadGenerator.answers(stats, "{\"total\":1000,\"byStatus\":" + byStatus + "}")).isFalse();
        assertThat(LoadGenerator.answers(stats, "[]")).isFalse();
    }

    @Test
    void spreadsRequestsOverTheApiInstancesInTurn() {
        ApiClient client = new ApiClient(java.util.List.of(java.net.URI.create("http://127.0.0.1:1"),
                java.net.URI.create("http://127.0.0.1:2")), "key");
        assertThat(java.util.List.of(client.base(), client.base(), client.base()))
                .extracting(java.net.URI::getPort).containsExactly(1, 2, 1);
        ApiClient one = new ApiClient(java.net.URI.create("http://127.0.0.1:3"), "key");
        assertThat(one.base().getPort()).isEqualTo(3);
        assertThat(one.base().getPort()).isEqualTo(3);
    }

    @Test
    void readsTheServersSubmitLatencySinceAnEarlierSnapshot() {
        String before = histogram(10, 10, 10, 10);
        String after = histogram(90, 99, 109, 110) + bucket("GET", "200", "0.005", 500);

        ServerLatency.Snapshot since = ServerLatency.parse(after);

        assertThat(since.percentileMillisSince(ServerLatency.parse(before), 0.5)).isEqualTo(1.0);
        assertThat(since.percentileMillisSince(ServerLatency.parse(before), 0.99)).isEqualTo(10.0);
        assertThat(since.percentileMillisSince(ServerLatency.parse(after), 0.99)).isZero();
    }

    /** Cumulative counts of accepted submits under 1 ms, 5 ms, 10 ms and in all. */
    private static String histogram(long under1, long under5, long under10, long all) {
        return "# TYPE http_server_requests_seconds histogram\n" + bucket("POST", "202", "0.001", under1)
                + bucket("POST", "202", "0.005", under5) + bucket("POST", "202", "0.01", under10)
                + bucket("POST", "202", "+Inf", all);
    }

    private static String bucket(String method, String status, String le, long count) {
        return "http_server_requests_seconds_bucket{error=\"none\",exception=\"none\",method=\"" + method
                + "\",outcome=\"SUCCESS\",status=\"" + status + "\",uri=\"/api/v1/jobs\",le=\"" + le + "\"} "
                + count + ".0\n";
    }
}
