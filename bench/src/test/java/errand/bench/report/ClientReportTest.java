package errand.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientReportTest {

    private static ResultRow row(String system, String workload, String round, double throughput) {
        return ResultRow.parse("{\"system\":\"" + system + "\",\"workload\":\"" + workload + "\",\"round\":\"" + round
                + "\",\"throughput\":" + throughput + ",\"gate\":\"pass\"}");
    }

    private static final List<ResultRow> ROWS = List.of(
            row("errand", "batch", "warmup", 10),
            row("errand", "batch", "round1", 600),
            row("errand", "batch", "round2", 700),
            row("errand", "client", "round1", 540),
            row("errand", "client", "round2", 580),
            row("celery", "client", "round1", 200));

    @Test
    void ratiosOfTheMediansAgainstTheirTargets() {
        List<ClientReport.Ratio> ratios = ClientReport.ratios(Summary.of(ROWS));
        assertThat(ratios).extracting(ClientReport.Ratio::name)
                .containsExactly("client_over_burn_down", "errand_client_over_celery_client");
        ClientReport.Ratio burnDown = ratios.getFirst();
        assertThat(burnDown.value()).isEqualTo(560.0 / 650);
        assertThat(burnDown.met()).isTrue(); // 0.86 ≥ 0.85
        ClientReport.Ratio celery = ratios.get(1);
        assertThat(celery.value()).isEqualTo(2.8);
        assertThat(celery.met()).isFalse();
        assertThat(ClientReport.targets(ratios)).containsExactly(
                new Report.Target("client end to end ≥ 0.85 × Errand's batch burn-down (within 15%)",
                        "560 / 650 jobs/s = 0.86×", true),
                new Report.Target("Errand's client end to end ≥ 5× Celery's client end to end",
                        "560 / 200 jobs/s = 2.80×", false));
    }

    @Test
    void aMissingOrZeroFigureIsNoRatioOrNotMet() {
        assertThat(ClientReport.ratios(Summary.of(ROWS.subList(0, 3)))).isEmpty();
        List<ClientReport.Ratio> withoutCelery = ClientReport.ratios(Summary.of(ROWS.subList(0, 5)));
        assertThat(withoutCelery).extracting(ClientReport.Ratio::name).containsExactly("client_over_burn_down");
        ClientReport.Ratio zero = new ClientReport.Ratio("x", "x", 500, 0, 5);
        assertThat(zero.value()).isZero();
        assertThat(zero.met()).isFalse();
    }

    @Test
    void theJsonHasTheThroughputsAndEachRatio() {
        List<Summary.Entry> summary = Summary.of(ROWS);
        Map<String, Object> json = ClientReport.json(summary, ClientReport.ratios(summary));
        assertThat(json).containsEntry("errand_batch_burn_down", 650.0).containsEntry("errand_client", 560.0)
                .containsEntry("celery_client", 200.0);
        assertThat(json.get("client_over_burn_down")).isEqualTo(Map.of("value", 0.862, "target", 0.85, "met", true));
        assertThat(json.get("errand_client_over_celery_client"))
                .isEqualTo(Map.of("value", 2.8, "target", 5.0, "met", false));
        assertThat(ClientReport.json(Summary.of(ROWS.subList(0, 5)), List.of())).containsEntry("celery_client",
                "not run");
    }
}
