package errand.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The running API describes its whole HTTP contract as OpenAPI, and serves Swagger UI. */
class OpenApiDocumentEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    @Test
    void describesEveryPathOfTheContract() {
        Response response = platform.api().get("/v3/api-docs");

        assertThat(response.status()).isEqualTo(200);
        JsonNode paths = response.json().path("paths");
        assertThat(paths.propertyNames()).contains("/api/v1/jobs", "/api/v1/jobs/batch", "/api/v1/jobs/{id}",
                "/api/v1/jobs/{id}/events", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/{id}/retry",
                "/api/v1/task-types", "/api/v1/workers", "/api/v1/batches", "/api/v1/batches/{id}",
                "/api/v1/batches/{id}/jobs", "/api/v1/batches/{id}/events", "/api/v1/batches/{id}/cancel",
                "/api/v1/events", "/api/v1/stats",
                "/api/v1/workflows", "/api/v1/workflows/{id}", "/api/v1/workflows/{id}/events",
                "/api/v1/workflows/{id}/cancel", "/api/v1/schedules", "/api/v1/schedules/{id}",
                "/api/v1/schedules/{id}/pause", "/api/v1/schedules/{id}/resume", "/api/v1/schedules/{id}/trigger",
                "/api/v1/schedules/{id}/runs");
        assertThat(paths.path("/api/v1/schedules/{id}").propertyNames()).contains("get", "put", "delete");
        assertThat(paths.path("/api/v1/schedules").path("post").path("requestBody").path("content").toString())
                .contains("Europe/Paris");
        assertThat(paths.path("/api/v1/jobs").path("post").path("requestBody").path("content").toString())
                .contains("prime-count");
    }

    @Test
    void servesSwaggerUi() {
        Response response = platform.api().get("/swagger-ui/index.html");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).containsIgnoringCase("swagger");
    }

    @Test
    void namesEveryOperation() {
        JsonNode paths = platform.api().get("/v3/api-docs").json().path("paths");
        for (String path : List.of("/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/task-types", "/api/v1/schedules",
                "/api/v1/schedules/{id}", "/api/v1/schedules/{id}/runs")) {
            for (JsonNode operation : paths.path(path)) {
                assertThat(operation.path("summary").asString()).as(path).isNotBlank();
            }
        }
    }
}
