package errand.tests.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import errand.tests.support.PromQlMetricNames;
import org.junit.jupiter.api.Test;

class PromQlMetricNamesTests {

    @Test
    void extractsMetricNamesFromHistogramQuantile() {
        assertThat(PromQlMetricNames.in(
                "histogram_quantile(0.95, sum by (le, type) (rate(errand_job_queue_wait_seconds_bucket[5m])))"))
                .containsExactly("errand_job_queue_wait_seconds_bucket");
    }

    @Test
    void ignoresLabelNamesInGroupingAndMatchingClauses() {
        String promql = """
                sum without (instance) (rate(errand_jobs_completed_total{status="FAILED"}[15m]))
                  / on (type) group_left (queue) max by (type, queue) (errand_workers_live)
                  unless ignoring (le) sum(x_total) by (job)""";

        assertThat(PromQlMetricNames.in(promql))
                .containsExactly("errand_jobs_completed_total", "errand_workers_live", "x_total");
    }

    @Test
    void ignoresLabelMatchersStringsAndTheirContents() {
        String promql = "label_replace(sum by (queue) (rabbitmq_detailed_queue_messages_ready"
                + "{queue=~\"errand[.]jobs[.].+\", vhost!='other'}), \"type\", \"$1\", \"queue\", `errand.jobs.(.+)`)";

        assertThat(PromQlMetricNames.in(promql)).containsExactly("rabbitmq_detailed_queue_messages_ready");
    }

    @Test
    void ignoresGrafanaVariablesRangesAndSubqueries() {
        String promql = "max_over_time(deriv(errand_outbox_pending{type=\"$type\"}[$__rate_interval])[1h:${step}])"
                + " offset 5m > $threshold";

        assertThat(PromQlMetricNames.in(promql)).containsExactly("errand_outbox_pending");
    }

    @Test
    void ignoresNumbersDurationsKeywordsAndComments() {
        String promql = """
                # the ratio of failed jobs
                (a_total > bool 1e3) and (b_total >= 0.5) or c_total == Inf   # trailing comment naming d_total
                  unless d atan2 NaN""";

        assertThat(PromQlMetricNames.in(promql)).containsExactly("a_total", "b_total", "c_total", "d");
    }

    @Test
    void findsABareMetricAndOneWithOnlyLabelMatchers() {
        assertThat(PromQlMetricNames.in("up")).containsExactly("up");
        assertThat(PromQlMetricNames.in("up{job=\"errand-worker\"} == 0")).containsExactly("up");
    }

    @Test
    void refusesACallToSomethingThatIsNoFunction() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromQlMetricNames.in("sum(rat(errand_jobs_submitted_total[5m]))"))
                .withMessageContaining("'rat' is not a PromQL function");
    }

    @Test
    void refusesSelectionByName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PromQlMetricNames.in("{__name__=~\"errand_.*\"}"))
                .withMessageContaining("__name__");
    }

    @Test
    void readsTheMetricOfAGrafanaLabelValuesQuery() {
        assertThat(PromQlMetricNames.inVariableQuery("label_values(errand_jobs_submitted_total, type)"))
                .containsExactly("errand_jobs_submitted_total");
        assertThat(PromQlMetricNames.inVariableQuery("label_values(errand_workers_live{job=\"errand-api\"},type)"))
                .containsExactly("errand_workers_live");
        assertThat(PromQlMetricNames.inVariableQuery("label_values(type)")).isEmpty();
        assertThat(PromQlMetricNames.inVariableQuery("query_result(topk(3, errand_worker_in_flight))"))
                .containsExactly("errand_worker_in_flight");
    }
}
