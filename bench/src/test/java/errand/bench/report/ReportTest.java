package errand.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static final List<String> LINES = List.of(
            "{\"system\":\"errand\",\"workload\":\"batch\",\"round\":\"warmup\",\"jobs\":100,\"throughput\":9.0,"
                    + "\"gate\":\"pass\"}",
            "{\"system\":\"errand\",\"workload\":\"batch\",\"round\":\"round1\",\"jobs\":300,\"throughput\":1200.4,"
                    + "\"submit_p50_ms\":null,\"e2e_p50_ms\":12.5,\"e2e_p95_ms\":40.25,\"e2e_p99_ms\":150.0,"
                    + "\"lost\":0,\"db_commits_per_job\":3.1,\"gate\":\"pass\","
                    + "\"cpu_ms_per_job\":{\"api\":0.5,\"workers\":0.25,\"broker\":0.125,\"postgres\":1}}",
            "{\"system\":\"errand\",\"workload\":\"batch\",\"round\":\"round2\",\"jobs\":300,\"throughput\":1400,"
                    + "\"e2e_p50_ms\":11.5,\"e2e_p95_ms\":40.25,\"e2e_p99_ms\":150.0,\"lost\":0,\"gate\":\"pass\"}",
            "{\"system\":\"errand\",\"workload\":\"rate-1000\",\"round\":\"round1\",\"skipped\":\"above the measured"
                    + " maximum of 1200.4 jobs/s\",\"gate\":\"pass\"}",
            "{\"system\":\"perftest\",\"workload\":\"broker\",\"round\":\"round1\",\"msg_s\":9000,"
                    + "\"messages_per_job\":2.25,\"throughput\":4000.0,\"gate\":\"pass\"}",
            "{\"system\":\"celery\",\"workload\":\"batch\",\"round\":\"round1\",\"throughput\":100.0,\"lost\":2,"
                    + "\"gate\":\"FAIL\"}");

    private static List<ResultRow> rows() {
        return LINES.stream().map(ResultRow::parse).toList();
    }

    @Test
    void readsAResultLineWithJackson() {
        ResultRow row = rows().get(1);
        assertThat(row.system()).isEqualTo("errand");
        assertThat(row.round()).isEqualTo("round1");
        assertThat(row.number("throughput")).isEqualTo(1200.4);
        assertThat(row.number("submit_p50_ms")).isNull();
        assertThat(row.number("missing")).isNull();
        assertThat(row.cpuMsPerJob()).containsEntry("postgres", 1.0).hasSize(4);
        assertThat(row.measured()).isTrue();
        assertThat(rows().get(0).measured()).isFalse();
        assertThat(rows().get(3).measured()).isFalse();
        assertThat(row.json()).startsWith("{\"system\":\"errand\",\"workload\":\"batch\",\"round\":\"round1\"");
    }

    @Test
    void summarisesTheMeasuredRoundsInTheTablesOrder() {
        List<Summary.Entry> summary = Summary.of(rows());
        assertThat(summary).extracting(Summary.Entry::label).containsExactly(
                "PerfTest, Errand's message pattern (broker's limit)", "Errand, echo burn-down, batch endpoint",
                "Celery, echo burn-down");
        Summary.Entry batch = summary.get(1);
        assertThat(batch.rounds()).isEqualTo(2);
        assertThat(batch.stat("throughput")).isEqualTo(new Summary.Stat(1300.2, 1200.4, 1400));
        assertThat(batch.cpuMsPerJob()).containsEntry("api", 0.5);
        assertThat(summary.get(2).gate()).isEqualTo("FAIL");
    }

    @Test
    void formatsMediansWithTheirRange() {
        assertThat(Format.stat(new Summary.Stat(1300.2, 1200.4, 1400))).isEqualTo("1,300 [1,200–1,400]");
        assertThat(Format.stat(new Summary.Stat(12.0, 12.0, 12.2))).isEqualTo("12");
        assertThat(Format.stat(null)).isEqualTo("–");
        assertThat(Format.ms(new Summary.Stat(12.04, 11.5, 12.5))).isEqualTo("12.0 [11.5–12.5]");
        assertThat(Format.ms(new Summary.Stat(150, 150, 150))).isEqualTo("150");
    }

    @Test
    void tableRows() {
        List<List<String>> lines = Report.table(Summary.of(rows()));
        assertThat(lines.get(0)).containsExactly("PerfTest, Errand's message pattern (broker's limit)",
                "4,000 (= 9,000 msg/s ÷ 2.25)", "–", "–", "pass");
        assertThat(lines.get(1)).containsExactly("Errand, echo burn-down, batch endpoint", "1,300 [1,200–1,400]",
                "–", "12.0 [11.5–12.5] / 40.2 / 150", "pass, lost 0");
        assertThat(lines.get(2).get(4)).isEqualTo("FAIL, lost 2");
    }

    @Test
    void targetsAgainstTheIssue() {
        List<Summary.Entry> summary = Summary.of(rows());
        List<Report.Target> targets = Report.targets(summary, Map.of("errand-api", 400 * 1024), rows());
        assertThat(targets).contains(
                new Report.Target("batch burn-down ≥ ½ of the broker-only bound (PerfTest msg/s ÷ msgs per job)",
                        "1300 of 4000 jobs/s = " + Format.fixed(32.5, 0) + "%", false),
                new Report.Target("≥ 10× Celery's throughput on the same workload", "13.0×", true),
                new Report.Target("at 1,000 jobs/s offered: submit p99 ≤ 10 ms, submit → terminal p99 ≤ 50 ms",
                        "not run: above the measured maximum of 1200.4 jobs/s", false),
                new Report.Target("errand-api peak RSS ≤ 384 MiB", "400 MiB", false));
    }

    @Test
    void singleSubmitAndLatencyTargetsAgainstIssue20() {
        List<ResultRow> rows = new ArrayList<>(rows());
        rows.addAll(Stream.of(
                "{\"system\":\"errand\",\"workload\":\"single\",\"round\":\"round1\",\"throughput\":800,"
                        + "\"gate\":\"pass\"}",
                "{\"system\":\"errand\",\"workload\":\"rate-0.5\",\"round\":\"round1\",\"offered_rate\":400,"
                        + "\"submit_p99_ms\":20,\"e2e_p99_ms\":140,\"gate\":\"pass\"}",
                "{\"system\":\"errand\",\"workload\":\"rate-0.8\",\"round\":\"round1\",\"offered_rate\":640,"
                        + "\"submit_p99_ms\":90,\"e2e_p99_ms\":300,\"gate\":\"pass\"}",
                "{\"system\":\"errand\",\"workload\":\"cpu\",\"round\":\"round1\",\"throughput\":150,"
                        + "\"gate\":\"pass\"}",
                "{\"system\":\"celery\",\"workload\":\"cpu\",\"round\":\"round1\",\"throughput\":100,"
                        + "\"gate\":\"pass\"}").map(ResultRow::parse).toList());

        List<Report.Target> targets = Report.targets(Summary.of(rows), Map.of(), rows);

        assertThat(targets).contains(
                new Report.Target("single submits ≥ 1,500 jobs/s, or ≥ 60% of the batch burn-down",
                        "800 jobs/s, 62% of batch", true),
                new Report.Target("at 50% of the single-submit maximum: submit p99 ≤ 25 ms, submit → terminal p99 "
                        + "≤ 100 ms", "20.0 ms, 140.0 ms", false),
                new Report.Target("at 80% of the single-submit maximum: submit p99 ≤ 100 ms", "90.0 ms", true),
                new Report.Target("prime-count burn-down ≥ 1.5× Celery's", "1.5×", true));
    }

    @Test
    void tables() {
        assertThat(Format.markdownTable(List.of("a", "b"), List.of(List.of("1", "2"))))
                .isEqualTo("| a | b |\n|---|---|\n| 1 | 2 |");
        assertThat(Format.terminalTable(List.of("a", "bb"), List.of(List.of("ccc", "d"))))
                .isEqualTo("a    bb\n---  --\nccc  d ");
    }

    @Test
    void writesTheReportOfAFolder(@TempDir Path folder) throws Exception {
        Files.write(folder.resolve("results.jsonl"), LINES);
        Files.writeString(folder.resolve("environment.json"), "{\"machine\":{\"cores\":2,\"memory_gib\":7.8,"
                + "\"load_average_at_start\":[\"1.0\",\"0.5\",\"0.2\"]},\"versions\":{\"java\":\"25\"}}");
        int status = Report.write(folder);
        assertThat(status).isEqualTo(1); // Celery's failed gate
        String md = Files.readString(folder.resolve("report.md"));
        assertThat(md).contains("Machine: 2 cores (?), 7.8 GiB").contains("load average at the start 1.0 0.5 0.2")
                .contains("| Errand, echo burn-down, batch endpoint | 1,300 [1,200–1,400] |")
                .contains("| java | 25 |").contains("## Raw results").contains(LINES.get(0));
        assertThat(Files.readString(folder.resolve("chart-data.json"))).contains("\"bars\"");
    }
}
