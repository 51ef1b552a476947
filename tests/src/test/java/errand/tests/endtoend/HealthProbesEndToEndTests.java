package errand.tests.endtoend;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.FaultPlatform;
import errand.tests.support.ReadinessWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The README's health probes on both apps, on management ports of their own ({@code management.server.port}, as an
 * orchestrator would probe them): {@code /actuator/health/readiness} reflects the broker and (API) the
 * database, or (worker) whether its consumers are consuming; {@code /actuator/health/liveness} is for restarts, so it
 * stays UP while a service the app needs is unreachable: restarting the app would not bring the service back. The
 * links to the database (API) and to the broker (worker) go through proxies the test cuts.
 */
class HealthProbesEndToEndTests {

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(1).workersReachBrokerThroughProxy()
            .databaseThroughProxy()
            .apiArguments("--management.server.port=" + AppProcess.freePort())
            .workerArguments("--management.server.port=" + AppProcess.freePort());

    @Test
    void bothAppsAreLiveAndReadyOnTheirManagementPortsAndTheWorkersReadinessShowsItsConsumers() {
        for (AppProcess app : List.of(platform.apiProcess(), platform.worker(1))) {
            assertThat(app.managementUri().getPort()).as("management port of %s", app).isNotEqualTo(app.port());
            assertUp(probe(app, "liveness"));
            assertUp(probe(app, "readiness"));
            // not on the application port: the probes really are the management port's
            assertThat(new ErrandClient(app::baseUri).get("/actuator/health/liveness").status())
                    .as("liveness on the application port of %s", app).isEqualTo(404);
        }
        JsonNode workerReadiness = probe(platform.worker(1), "readiness").json();
        assertThat(workerReadiness.path("components").path("rabbit").path("status").asString()).isEqualTo("UP");
        JsonNode consumers = workerReadiness.path("components").path("consumers");
        assertThat(consumers.path("status").asString()).isEqualTo("UP");
        assertThat(consumers.path("details").path("consumers").properties()).as("consumers per type: %s", consumers)
                .isNotEmpty().allSatisfy(type -> assertThat(type.getValue().asInt()).as(type.getKey()).isPositive());
    }

    @Test
    void apiStaysLiveButIsNotReadyWhileItsDatabaseIsUnreachable() {
        AppProcess api = platform.apiProcess();
        platform.databaseLink().cut();
        try {
            awaitReadiness(api, 503);
            assertUp(probe(api, "liveness"));
        } finally {
            platform.databaseLink().restore();
        }
        awaitReadiness(api, 200);
    }

    @Test
    void workerStaysLiveButIsNotReadyWhileTheBrokerIsUnreachable() {
        AppProcess worker = platform.worker(1);
        platform.brokerLink().cut();
        try {
            awaitReadiness(worker, 503);
            assertUp(probe(worker, "liveness"));
        } finally {
            platform.brokerLink().restore();
        }
        awaitReadiness(worker, 200);
    }

    private static Response probe(AppProcess app, String probe) {
        return new ErrandClient(app::managementUri).get("/actuator/health/" + probe);
    }

    private static void assertUp(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().path("status").asString()).as("%s", response).isEqualTo("UP");
    }

    private static void awaitReadiness(AppProcess app, int status) {
        await(app + " readiness " + status).atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> ReadinessWatch.readiness(app) == status);
    }
}
