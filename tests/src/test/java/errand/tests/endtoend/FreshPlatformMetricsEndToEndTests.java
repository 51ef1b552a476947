package errand.tests.endtoend;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import errand.tests.support.AppProcess;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.MetricsContract;
import errand.tests.support.MonitoringQueries;
import errand.tests.support.PlatformApps;
import errand.tests.support.ReadmeMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A platform on which no job ever ran already exports every metric its dashboards, alerts and README name, at 0, with
 * the README's tags: a panel or alert reads "nothing happened yet" rather than "no data" (an {@code increase()} of
 * {@code errand_jobs_rescued_total} before the first rescue, say). Only the API and one worker run; no job is
 * submitted, which each test checks.
 */
class FreshPlatformMetricsEndToEndTests {

    // its own platform, not the shared one: it proves what a platform on which no job ever ran exports
    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    /** Labels every series of an app may carry besides the README's tags: a histogram bucket's bound, app name. */
    private static final Set<String> COMMON_LABELS = Set.of("le", "application");

    private final MonitoringQueries queries = MonitoringQueries.load(PlatformApps.repoRoot());
    private final ReadmeMetrics readme = ReadmeMetrics.load(PlatformApps.repoRoot());

    @Test
    void everyAppMetricTheDashboardsAndAlertsQueryExistsBeforeTheFirstJob() {
        assertThat(platform.jobTable().count()).as("jobs on the fresh platform").isZero();

        await("every app metric of the dashboards and alerts exported").atMost(ofSeconds(30))
                .pollInterval(ofSeconds(1))
                .untilAsserted(() -> assertThat(MetricsContract.unexported(queries, labelsOfEverySeries().keySet(),
                        name -> !name.startsWith("rabbitmq_")))
                        .as("metrics queried by the dashboards or alerts that a fresh API and worker do not export "
                                + "(name -> queries)")
                        .isEmpty());
        assertThat(platform.jobTable().count()).as("jobs on the fresh platform").isZero();
    }

    @Test
    void everyMetricTheReadmeNamesExistsBeforeTheFirstJobWithTheReadmesTags() {
        assertThat(readme.metrics()).as("metrics the README names").extracting(ReadmeMetrics.Metric::name)
                .contains("errand_jobs_rescued_total", "errand_results_received_total",
                        "errand_results_applied_total", "errand_worker_deliveries_rejected_total");

        await("every metric of the README exported with its tags").atMost(ofSeconds(30)).pollInterval(ofSeconds(1))
                .untilAsserted(() -> {
                    Map<String, Set<String>> exported = labelsOfEverySeries();
                    Map<String, Set<String>> promised = new LinkedHashMap<>();
                    Map<String, Set<String>> found = new LinkedHashMap<>();
                    for (ReadmeMetrics.Metric metric : readme.metrics()) {
                        promised.put(metric.series(), metric.tags());
                        Set<String> labels = exported.get(metric.series());
                        if (labels != null) {
                            labels = new HashSet<>(labels);
                            labels.removeAll(COMMON_LABELS);
                        }
                        found.put(metric.series(), labels);
                    }
                    assertThat(found).as("series the README names -> the tags a fresh API and worker export "
                            + "(null: not exported)").isEqualTo(promised);
                });
        assertThat(platform.jobTable().count()).as("jobs on the fresh platform").isZero();
    }

    @Test
    void theRescueCounterExistsAtZeroForEveryTaskTypeBeforeAnyRescue() {
        await("errand_jobs_rescued_total of every type").atMost(ofSeconds(30)).pollInterval(ofSeconds(1))
                .untilAsserted(() -> {
                    String exposition = exposition(platform.apiProcess());
                    for (String type : ErrandPlatform.BUILT_IN_TYPES) {
                        assertThat(exposition).as("the API's metrics")
                                .contains("errand_jobs_rescued_total{type=\"" + type + "\"} 0.0");
                    }
                });
    }

    private static Map<String, Set<String>> labelsOfEverySeries() {
        Map<String, Set<String>> labels = new HashMap<>();
        List<AppProcess> apps = new ArrayList<>(List.of(platform.apiProcess()));
        apps.addAll(platform.runningWorkers());
        for (AppProcess app : apps) {
            MetricsContract.labelNames(exposition(app)).forEach((series, names) ->
                    labels.computeIfAbsent(series, s -> new HashSet<>()).addAll(names));
        }
        return labels;
    }

    private static String exposition(AppProcess app) {
        URI endpoint = app.baseUri().resolve("/actuator/prometheus");
        return MetricsContract.exposition(endpoint).orElseThrow(() -> new AssertionError("no metrics from "
                + endpoint));
    }
}
