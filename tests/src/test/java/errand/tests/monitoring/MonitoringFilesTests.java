package errand.tests.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import errand.model.WireJson;
import errand.tests.support.MonitoringQueries;
import errand.tests.support.PlatformApps;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The dashboards and alert rules as files, without running anything: they parse, query the provisioned datasource,
 * and tell an operator what they show. {@link errand.tests.endtoend.MetricsContractEndToEndTests} checks that what
 * they query exists.
 */
class MonitoringFilesTests {

    private static final Path ROOT = PlatformApps.repoRoot();

    private final MonitoringQueries queries = MonitoringQueries.load(ROOT);

    @Test
    void everyDashboardAndAlertQueryReadsAtLeastOneMetric() {
        assertThat(queries.queries()).isNotEmpty();
        assertThat(queries.queries()).allSatisfy(query ->
                assertThat(query.metrics()).as("%s: %s", query.source(), query.expr()).isNotEmpty());
        assertThat(queries.queries()).anySatisfy(query -> assertThat(query.source()).startsWith("alerts.yml"));
    }

    @Test
    void dashboardsQueryTheProvisionedPrometheusDatasource() {
        Map<String, Object> provisioning = yaml(ROOT.resolve("grafana/provisioning/datasources/prometheus.yml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> datasource = ((List<Map<String, Object>>) provisioning.get("datasources")).getFirst();
        String uid = String.valueOf(datasource.get("uid"));

        for (JsonNode dashboard : dashboards()) {
            List<JsonNode> references = new ArrayList<>();
            panels(dashboard).forEach(panel -> {
                references.add(panel.path("datasource"));
                panel.path("targets").forEach(target -> references.add(target.path("datasource")));
            });
            dashboard.path("templating").path("list").forEach(variable -> references.add(variable.path("datasource")));
            assertThat(references).as(dashboard.path("title").asString()).allSatisfy(reference -> {
                assertThat(reference.path("type").asString()).isEqualTo("prometheus");
                assertThat(reference.path("uid").asString()).isEqualTo(uid);
            });
        }
    }

    @Test
    void everyPanelHasATitleADescriptionAndAUnit() {
        for (JsonNode dashboard : dashboards()) {
            assertThat(dashboard.path("uid").asString("")).isNotBlank();
            for (JsonNode panel : panels(dashboard)) {
                String title = panel.path("title").asString("");
                assertThat(title).as("a panel title in %s", dashboard.path("title").asString()).isNotBlank();
                assertThat(panel.path("description").asString("")).as("description of %s", title).isNotBlank();
                assertThat(panel.path("fieldConfig").path("defaults").path("unit").asString(""))
                        .as("unit of %s", title).isNotBlank();
                assertThat(panel.path("targets").isEmpty()).as("queries of %s", title).isFalse();
            }
        }
    }

    @Test
    void dashboardUidsAreUnique() {
        assertThat(dashboards().stream().map(dashboard -> dashboard.path("uid").asString()))
                .doesNotHaveDuplicates()
                .contains("errand-overview", "errand-task-type");
    }

    @Test
    void theTaskTypeDashboardOffersEveryTypeJobsWereSubmittedFor() {
        JsonNode dashboard = dashboards().stream()
                .filter(d -> "errand-task-type".equals(d.path("uid").asString())).findFirst().orElseThrow();
        JsonNode variable = dashboard.path("templating").path("list").get(0);

        assertThat(variable.path("name").asString()).isEqualTo("type");
        assertThat(variable.path("definition").asString())
                .isEqualTo("label_values(errand_jobs_submitted_total, type)");
        assertThat(panels(dashboard)).allSatisfy(panel -> panel.path("targets").forEach(target ->
                assertThat(target.path("expr").asString()).as(panel.path("title").asString()).contains("$type")));
    }

    @Test
    void everyAlertSaysHowLongHowBadWhatAndWhy() {
        Map<String, Object> alerts = yaml(ROOT.resolve(MonitoringQueries.ALERTS));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<?>) alerts.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) rule;
                rules.add(typed);
            }
        }

        assertThat(rules).extracting(rule -> rule.get("alert")).contains("ErrandDeadLetterQueueGrowing",
                "ErrandJobsQueuedWithoutLiveWorker", "ErrandQueueWaitHigh", "ErrandFailureRatioHigh",
                "ErrandWorkerDown", "ErrandReplyLagHigh", "ErrandOutboxBacklogGrowing", "ErrandSchedulesFiringLate");
        assertThat(rules).allSatisfy(rule -> {
            String name = String.valueOf(rule.get("alert"));
            assertThat(String.valueOf(rule.get("for"))).as("for of %s", name).matches("\\d+[smh]");
            assertThat(((Map<?, ?>) rule.get("labels")).get("severity")).as("severity of %s", name)
                    .isIn("critical", "warning");
            Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
            assertThat(String.valueOf(annotations.get("summary"))).as("summary of %s", name).isNotBlank();
            assertThat(String.valueOf(annotations.get("description"))).as("description of %s", name).isNotBlank();
        });
    }

    @Test
    void prometheusLoadsTheAlertsAndScrapesPerQueueDepthFromTheBroker() {
        Map<String, Object> prometheus = yaml(ROOT.resolve("prometheus/prometheus.yml"));

        assertThat(prometheus.get("rule_files")).isEqualTo(List.of("alerts.yml"));
        assertThat(ROOT.resolve("prometheus").resolve("alerts.yml")).isRegularFile();
        assertThat((List<?>) prometheus.get("scrape_configs")).anySatisfy(job -> {
            Map<?, ?> scrape = (Map<?, ?>) job;
            assertThat(scrape.get("metrics_path")).isEqualTo("/metrics/detailed");
            assertThat(((Map<?, ?>) scrape.get("params")).get("family"))
                    .isEqualTo(List.of("queue_coarse_metrics", "queue_consumer_count"));
        });
    }

    // ---- file access

    private static List<JsonNode> dashboards() {
        try (Stream<Path> files = Files.list(ROOT.resolve(MonitoringQueries.DASHBOARDS))) {
            List<JsonNode> dashboards = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                dashboards.add(WireJson.mapper().readTree(Files.readString(file)));
            }
            return dashboards;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel that shows data, rows left out (their panels included if collapsed). */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        addPanels(dashboard.path("panels"), panels);
        return panels;
    }

    private static void addPanels(JsonNode from, List<JsonNode> into) {
        for (JsonNode panel : from) {
            if ("row".equals(panel.path("type").asString(""))) {
                addPanels(panel.path("panels"), into);
            } else {
                into.add(panel);
            }
        }
    }

    private static Map<String, Object> yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
