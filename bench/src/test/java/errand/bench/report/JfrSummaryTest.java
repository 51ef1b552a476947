package errand.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrSummaryTest {

    @Test
    void librariesAndThreadGroups() {
        assertThat(JfrSummary.library("org.postgresql.core.PGStream.receive")).isEqualTo("PostgreSQL JDBC driver");
        assertThat(JfrSummary.library("org.springframework.amqp.core.Message.<init>")).isEqualTo("Spring AMQP");
        assertThat(JfrSummary.library("org.springframework.web.Foo.bar")).isEqualTo("Spring");
        assertThat(JfrSummary.library("java.net.Socket.read")).isEqualTo("JDK I/O");
        assertThat(JfrSummary.library("com.example.Foo.bar")).isEqualTo("other");
        assertThat(JfrSummary.threadGroup("http-nio-8080-exec-12")).isEqualTo("http-nio-N-exec-N");
    }

    @Test
    void theMostCommonFirstTiesInTheOrderSeen() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("a", 1);
        counts.put("b", 3);
        counts.put("c", 1);
        List<String> out = new ArrayList<>();
        JfrSummary.table(out, "what", counts, 5, 2, true);
        assertThat(out).containsExactly("| what | samples | share |", "|---|---|---|", "| `b` | 3 | 60.0% |",
                "| `a` | 1 | 20.0% |", "");
    }

    @Test
    void summarisesARecording(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("test.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            long end = System.nanoTime() + 1_000_000_000L;
            double sink = 0;
            while (System.nanoTime() < end) {
                sink += Math.sqrt(sink + 1);
            }
            assertThat(sink).isPositive();
            recording.stop();
            recording.dump(file);
        }
        String summary = JfrSummary.summarize(file, "/bin/false");
        assertThat(summary).startsWith("### test.jfr: ").contains("CPU samples")
                .contains("| library of the innermost frame (self time) | samples | share |")
                .contains("| `errand.bench.report.JfrSummaryTest.summarisesARecording` |").contains("| Errand |")
                .contains("<details><summary>jfr view gc");
    }
}
