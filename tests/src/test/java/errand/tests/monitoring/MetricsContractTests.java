package errand.tests.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import errand.tests.support.MetricsContract;
import errand.tests.support.MonitoringQueries;
import errand.tests.support.PromQlMetricNames;
import errand.tests.support.ReadmeMetrics;
import org.junit.jupiter.api.Test;

class MetricsContractTests {

    @Test
    void flagsAMetricThatNoScrapeExportsWithTheQueriesReadingIt() {
        MonitoringQueries queries = queries(
                query("overview, panel \"Latency\" A",
                        "histogram_quantile(0.95, sum by (le) (rate(errand_job_latency_seconds_bucket[5m])))"),
                query("alerts.yml, alert Typo", "sum(rate(errand_jobs_complete_total[5m])) > 0"));

        Map<String, List<String>> missing = MetricsContract.unexported(queries,
                Set.of("errand_job_latency_seconds_bucket", "errand_jobs_completed_total"), name -> true);

        assertThat(missing).containsOnlyKeys("errand_jobs_complete_total");
        assertThat(missing.get("errand_jobs_complete_total")).containsExactly("alerts.yml, alert Typo");
    }

    @Test
    void doesNotTakeAHistogramsBaseNameForASeries() {
        MonitoringQueries queries = queries(query("panel", "rate(errand_job_latency_seconds[5m])"));

        Map<String, List<String>> missing = MetricsContract.unexported(queries,
                MetricsContract.seriesNames("""
                        # TYPE errand_job_latency_seconds histogram
                        errand_job_latency_seconds_bucket{type="echo",le="+Inf"} 1
                        errand_job_latency_seconds_count{type="echo"} 1
                        errand_job_latency_seconds_sum{type="echo"} 0.2
                        """), name -> true);

        assertThat(missing).containsOnlyKeys("errand_job_latency_seconds");
    }

    @Test
    void neverMissesBuiltInSeriesOrNamesRecordedByRules() {
        MonitoringQueries queries = new MonitoringQueries(List.of(
                query("alert", "up{job=\"errand-worker\"} == 0"),
                query("panel", "errand:failure_ratio:rate15m > 0.1")), Set.of("errand:failure_ratio:rate15m"));

        assertThat(MetricsContract.unexported(queries, Set.of(), name -> true)).isEmpty();
    }

    @Test
    void checksOnlyTheNamesItIsAskedAbout() {
        MonitoringQueries queries = queries(query("panel", "rabbitmq_detailed_queue_messages_ready / errand_x"));

        assertThat(MetricsContract.unexported(queries, Set.of(), name -> !name.startsWith("rabbitmq_")))
                .containsOnlyKeys("errand_x");
    }

    @Test
    void readsSeriesNamesFromTheTextExposition() {
        String exposition = """
                # HELP errand_jobs_submitted_total Jobs accepted
                # TYPE errand_jobs_submitted_total counter
                errand_jobs_submitted_total{type="echo"} 3.0
                errand_outbox_pending 0.0
                rabbitmq_detailed_queue_messages_ready{vhost="/",queue="errand.dead"} 0

                """;

        assertThat(MetricsContract.seriesNames(exposition)).containsExactly("errand_jobs_submitted_total",
                "errand_outbox_pending", "rabbitmq_detailed_queue_messages_ready");
    }

    private static MonitoringQueries queries(MonitoringQueries.Query... queries) {
        return new MonitoringQueries(List.of(queries), Set.of());
    }

    private static MonitoringQueries.Query query(String source, String expr) {
        return new MonitoringQueries.Query(source, expr, PromQlMetricNames.in(expr));
    }

    @Test
    void readsTheLabelNamesOfEverySeries() {
        Map<String, Set<String>> labels = MetricsContract.labelNames("""
                # TYPE errand_jobs_completed_total counter
                errand_jobs_completed_total{status="FAILED",type="echo"} 0.0
                errand_results_received_total 0.0
                errand_job_latency_seconds_bucket{status="SUCCEEDED",type="echo",le="+Inf"} 1
                """);

        assertThat(labels).containsEntry("errand_jobs_completed_total", Set.of("status", "type"))
                .containsEntry("errand_results_received_total", Set.of())
                .containsEntry("errand_job_latency_seconds_bucket", Set.of("status", "type", "le"));
    }

    @Test
    void readsTheMetricsTheReadmePromisesWithTheirTags() {
        ReadmeMetrics readme = ReadmeMetrics.parse("""
                | metric (Prometheus name) | tags | meaning |
                |---|---|---|
                | `errand_jobs_completed_total` | type, status | jobs |
                | `errand_outbox_published_total`, `errand_outbox_publish_failures_total` | | outbox relay |
                | `errand_job_latency_seconds` (histogram) | type, status | latency |

                  Workers export `errand_worker_jobs_executed_total{type,outcome}`,
                  `errand_worker_execution_seconds{type,outcome}`
                  (histogram), `errand_worker_in_flight{type}`.
                """);

        assertThat(readme.metrics()).containsExactly(
                new ReadmeMetrics.Metric("errand_jobs_completed_total", Set.of("type", "status"), false),
                new ReadmeMetrics.Metric("errand_outbox_published_total", Set.of(), false),
                new ReadmeMetrics.Metric("errand_outbox_publish_failures_total", Set.of(), false),
                new ReadmeMetrics.Metric("errand_job_latency_seconds", Set.of("type", "status"), true),
                new ReadmeMetrics.Metric("errand_worker_jobs_executed_total", Set.of("type", "outcome"), false),
                new ReadmeMetrics.Metric("errand_worker_execution_seconds", Set.of("type", "outcome"), true),
                new ReadmeMetrics.Metric("errand_worker_in_flight", Set.of("type"), false));
        assertThat(readme.metrics().get(3).series()).isEqualTo("errand_job_latency_seconds_bucket");
    }
}
