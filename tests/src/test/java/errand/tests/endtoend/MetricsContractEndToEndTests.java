package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import errand.model.JobStatus;
import errand.model.Topology;
import errand.model.WireJson;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import errand.tests.support.MetricsContract;
import errand.tests.support.MonitoringQueries;
import errand.tests.support.PlatformApps;
import errand.testsupport.ErrandTestServices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The metric names of the dashboards and alerts are a contract with the apps and the broker: every series they
 * query must exist. The real API and a worker run jobs of every outcome (success, retried then success, failure,
 * a rescue after a lapsed lease, a poison delivery), then their {@code /actuator/prometheus} are scraped; broker
 * metrics are checked against RabbitMQ's Prometheus endpoints as {@code prometheus/prometheus.yml} scrapes them.
 *
 * <p>The broker's Prometheus plugin is reached where {@link ErrandTestServices} says (port 15692 of the broker host,
 * {@code ERRAND_TEST_RABBITMQ_PROMETHEUS_URI}, or the container's mapped port); a broker check that cannot reach it
 * fails.
 */
class MetricsContractEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private static final Duration JOB_TIMEOUT = ofSeconds(60);

    private final MonitoringQueries queries = MonitoringQueries.load(PlatformApps.repoRoot());

    @BeforeAll
    static void runJobsOfEveryOutcome() throws Exception {
        ErrandClient api = platform.api();
        UUID succeeds = accept(JobRequest.of("echo", json("{\"hello\": \"metrics\"}")));
        UUID succeedsOnRetry = accept(JobRequest.of("fail", json("{\"failTimes\": 1, \"retryable\": true}")));
        UUID fails = accept(JobRequest.of("fail", json("{\"failTimes\": 5, \"retryable\": false}")));
        UUID rescued = accept(JobRequest.of("sleep", json("{\"millis\": 5000}")));
        api.awaitStatus(rescued, JobStatus.RUNNING, JOB_TIMEOUT);
        lapseLeaseOf(rescued);
        publishPoisonDelivery("echo");

        assertThatJob(api.awaitTerminal(succeeds, JOB_TIMEOUT)).hasStatus(JobStatus.SUCCEEDED);
        assertThatJob(api.awaitTerminal(succeedsOnRetry, JOB_TIMEOUT)).hasStatus(JobStatus.SUCCEEDED).hasAttempts(2);
        assertThatJob(api.awaitTerminal(fails, JOB_TIMEOUT)).hasStatus(JobStatus.FAILED);
        assertThatJob(api.awaitTerminal(rescued, JOB_TIMEOUT)).as("rescued, then run again")
                .hasStatus(JobStatus.SUCCEEDED).hasAttempts(2);
    }

    @Test
    void everyAppMetricTheDashboardsAndAlertsQueryIsExported() {
        await("every app metric of the dashboards and alerts exported").atMost(ofSeconds(60))
                .pollInterval(ofSeconds(1))
                .untilAsserted(() -> assertThat(MetricsContract.unexported(queries, appSeries(),
                        name -> !name.startsWith("rabbitmq_")))
                        .as("metrics queried by the dashboards or alerts that neither the API nor the worker "
                                + "exports (name -> queries)")
                        .isEmpty());
    }

    @Test
    void everyBrokerMetricTheDashboardsAndAlertsQueryIsExported() {
        List<URI> endpoints = brokerScrapeEndpoints();
        Set<String> exported = new HashSet<>();
        for (URI endpoint : endpoints) {
            Optional<Set<String>> series = MetricsContract.scrape(endpoint);
            assertThat(series).as("RabbitMQ's Prometheus endpoint %s reachable (enable the rabbitmq_prometheus "
                    + "plugin)", endpoint).isPresent();
            exported.addAll(series.orElseThrow());
        }

        assertThat(MetricsContract.unexported(queries, exported, name -> name.startsWith("rabbitmq_")))
                .as("broker metrics queried by the dashboards or alerts that %s do not export (name -> queries)",
                        endpoints)
                .isEmpty();
    }

    @Test
    void theDashboardsAndAlertsQueryTheApiTheWorkersAndTheBroker() {
        Set<String> used = queries.metricNames();

        assertThat(used).as("API metrics").contains("errand_jobs_submitted_total", "errand_jobs_completed_total",
                "errand_job_latency_seconds_bucket", "errand_job_queue_wait_seconds_bucket", "errand_workers_live",
                "errand_outbox_pending", "errand_results_lag_seconds_bucket", "errand_schedules_fired_total",
                "errand_schedules_skipped_total", "errand_schedules_lateness_seconds_bucket");
        assertThat(used).as("worker metrics").contains("errand_worker_in_flight", "errand_worker_concurrency");
        assertThat(used).as("broker metrics").contains("rabbitmq_detailed_queue_messages_ready",
                "rabbitmq_detailed_queue_messages_unacked", "rabbitmq_detailed_queue_consumers");
        assertThat(used).as("built in").contains("up");
    }

    // ---- the workload

    private static UUID accept(JobRequest request) {
        return UUID.fromString(platform.api().accept(request).path("id").asString());
    }

    /**
     * What a worker that converted the attempt to a lease and then died leaves behind: a RUNNING job whose lease
     * lapsed. The API's lease rescuer requeues it as a new attempt.
     */
    private static void lapseLeaseOf(UUID job) throws SQLException {
        try (Connection connection = platform.services().openDatabase();
                PreparedStatement statement = connection.prepareStatement("""
                        update jobs set lease_until = now() - interval '1 second', leased_by = 'a-worker-that-died'
                        where id = ? and status = 'RUNNING'""")) {
            statement.setObject(1, job);
            assertThat(statement.executeUpdate()).as("running job %s given a lapsed lease", job).isEqualTo(1);
        }
    }

    /** A message no worker can decode, on the queue of {@code type}: the worker rejects it to the dead letters. */
    private static void publishPoisonDelivery(String type) throws Exception {
        try (com.rabbitmq.client.Connection connection = platform.services().openBroker();
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).messageId(UUID.randomUUID().toString())
                    .type(type).build();
            channel.basicPublish(Topology.JOBS_EXCHANGE, type, true, properties,
                    "this is not a job".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(ofSeconds(10).toMillis());
        }
    }

    private static JsonNode json(String text) {
        return WireJson.mapper().readTree(text);
    }

    // ---- the scrapes

    private static Set<String> appSeries() {
        Set<String> series = new HashSet<>();
        List<AppProcess> apps = new ArrayList<>(List.of(platform.apiProcess()));
        apps.addAll(platform.runningWorkers());
        for (AppProcess app : apps) {
            URI endpoint = app.baseUri().resolve("/actuator/prometheus");
            series.addAll(MetricsContract.scrape(endpoint)
                    .orElseThrow(() -> new AssertionError("no metrics from " + endpoint)));
        }
        return series;
    }

    /** The endpoints of the scrape jobs of prometheus.yml named rabbitmq*, on the test broker. */
    @SuppressWarnings("unchecked")
    private static List<URI> brokerScrapeEndpoints() {
        String base = platform.services().brokerPrometheusUri().toString();
        Map<String, Object> prometheus;
        try (Reader reader = Files.newBufferedReader(PlatformApps.repoRoot().resolve("prometheus/prometheus.yml"))) {
            prometheus = new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<URI> endpoints = new ArrayList<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
            if (!String.valueOf(job.get("job_name")).startsWith("rabbitmq")) {
                continue;
            }
            String path = String.valueOf(job.getOrDefault("metrics_path", "/metrics"));
            Map<String, List<String>> params = (Map<String, List<String>>) job.getOrDefault("params", Map.of());
            String query = params.entrySet().stream()
                    .flatMap(param -> param.getValue().stream().map(value -> param.getKey() + "="
                            + URLEncoder.encode(value, StandardCharsets.UTF_8)))
                    .collect(Collectors.joining("&"));
            endpoints.add(URI.create(base + path + (query.isEmpty() ? "" : "?" + query)));
        }
        assertThat(endpoints).as("rabbitmq scrape jobs in prometheus.yml").isNotEmpty();
        return endpoints;
    }
}
