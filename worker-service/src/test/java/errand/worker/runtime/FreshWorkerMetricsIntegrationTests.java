package errand.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import errand.worker.tasks.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker that has run nothing yet already shows its counters at 0, so dashboards and alerts see 0, not "no data".
 * Its own virtual host and worker: no other test may have published to it.
 */
class FreshWorkerMetricsIntegrationTests {

    private static BrokerClient client;
    private static ConfigurableApplicationContext worker;

    @BeforeAll
    static void startWorker() throws Exception {
        client = BrokerClient.isolated("fresh-metrics");
        worker = client.startWorker("--errand.worker.id=fresh-worker");
    }

    @AfterAll
    static void stopWorker() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void showsEveryRejectionAndOutcomeCounterAtZeroBeforeItsFirstEvent() throws Exception {
        String metrics = get("/actuator/prometheus");

        List<String> types = worker.getBeansWithAnnotation(Task.class).values().stream()
                .map(handler -> AopUtils.getTargetClass(handler).getAnnotation(Task.class).name()).toList();
        assertThat(types).contains("echo", "fail");
        for (String type : types) {
            for (String reason : List.of("poison", "unconfirmed")) {
                assertThat(metrics).as("rejected %s of %s", reason, type).containsPattern(
                        "(?m)^errand_worker_deliveries_rejected_total\\{[^}]*reason=\"" + reason + "\"[^}]*type=\""
                                + type + "\"[^}]*} 0\\.0$");
            }
            for (String outcome : List.of("succeeded", "failed", "timeout", "cancelled", "interrupted")) {
                assertThat(metrics).as("%s attempts of %s", outcome, type).containsPattern(
                        "(?m)^errand_worker_jobs_executed_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*type=\""
                                + type + "\"[^}]*} 0\\.0$");
            }
        }
    }

    private static String get(String path) throws Exception {
        String port = worker.getEnvironment().getProperty("local.server.port");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
            return response.body();
        }
    }
}
