package errand.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import errand.bench.json.Json;
import org.junit.jupiter.api.Test;

class StartupReportTest {

    private static final String STARTUP = """
            {"runs": 2, "launches": {
              "PLAIN_JAR": {
                "api alone": [{"ready_s": {"api": 11.5}, "cpu_s": {"api": 20.1}},
                              {"ready_s": {"api": 12.5}, "cpu_s": {"api": 21.1}}],
                "worker alone": [{"ready_s": {"worker": 8.0}, "cpu_s": {"worker": 14.0}}],
                "together": [{"ready_s": {"api": 40.0, "api-2": 41.0, "worker": 30.0}, "cpu_s": {}}]},
              "SCRIPT": {
                "api alone": [{"ready_s": {"api": 2.5}, "cpu_s": {"api": 4.0}},
                              {"ready_s": {"api": 3.5}, "cpu_s": {"api": 4.2}}],
                "worker alone": [{"ready_s": {"worker": 3.5}, "cpu_s": {"worker": 3.0}}]}}}""";

    @Test
    void medianAndRangeByLaunchTogetherIsTheLastOneReady() {
        List<List<String>> table = StartupReport.table(Json.object(STARTUP));
        assertThat(table).containsExactly(
                List.of("java -jar (JVM defaults)", "12.00 [11.50–12.50]", "20.60 [20.10–21.10]", "8.00", "14.00",
                        "41.00"),
                List.of("bin/errand-java (AOT cache)", "3.00 [2.50–3.50]", "4.10 [4.00–4.20]", "3.50", "3.00",
                        "–"));
    }

    @Test
    void targetsAreTheLaunchersMedianAgainstThreeSeconds() {
        assertThat(StartupReport.targets(Json.object(STARTUP))).containsExactly(
                new Report.Target("errand-api ready ≤ 3 s alone (bin/errand-java, median)", "3.00 s", true),
                new Report.Target("errand-worker ready ≤ 3 s alone (bin/errand-java, median)", "3.50 s", false));
    }

    @Test
    void nothingWithoutStartUpFigures() {
        assertThat(StartupReport.markdown(Map.of())).isEmpty();
        assertThat(StartupReport.targets(Map.of())).isEmpty();
    }
}
