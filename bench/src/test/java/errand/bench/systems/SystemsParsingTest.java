package errand.bench.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import errand.bench.json.Json;
import org.junit.jupiter.api.Test;

class SystemsParsingTest {

    @Test
    void launchesStartTheJarAsUsersDoWithTheKitsJdk() {
        Path jar = Path.of("run/jars/api.jar");
        Path script = Path.of("run/jars/errand-java");
        String java = "/opt/jdk/bin/java";
        assertThat(Launch.PLAIN_JAR.command(java, script, jar, List.of("--server.port=1")))
                .containsExactly(java, "-jar", "run/jars/api.jar", "--server.port=1");
        assertThat(Launch.SCRIPT.command(java, script, jar, List.of())).containsExactly("run/jars/errand-java",
                "run/jars/api.jar");
        assertThat(Launch.SCRIPT.environment(Launch.App.API, java, "-Dx=1")).containsEntry("JAVA_HOME", "/opt/jdk")
                .containsEntry("ERRAND_AOT", "on").containsEntry("JAVA_OPTS", "-Dx=1");
        assertThat(Launch.SCRIPT_WITHOUT_AOT.environment(Launch.App.WORKER, java, ""))
                .containsEntry("ERRAND_AOT", "off").doesNotContainKey("JAVA_OPTS");
        assertThat(Launch.PLAIN_JAR.environment(Launch.App.API, java, "-Dx=1"))
                .containsOnly(Map.entry("JDK_JAVA_OPTIONS", "-Dx=1"));
    }

    @Test
    void theApiStartsWithC1OnlyAndAWorkerTieredAsTheirDockerfilesDo() {
        String java = "/opt/jdk/bin/java";
        assertThat(Launch.SCRIPT.environment(Launch.App.API, java, "")).containsEntry("ERRAND_JIT", "c1");
        assertThat(Launch.SCRIPT_WITHOUT_AOT.environment(Launch.App.API, java, "")).containsEntry("ERRAND_JIT", "c1");
        assertThat(Launch.SCRIPT.environment(Launch.App.WORKER, java, "")).containsEntry("ERRAND_JIT", "tiered");
    }

    @Test
    void taskTypeNamesFromTheApi() {
        assertThat(ErrandSystem.taskTypes("[{\"name\":\"echo\",\"liveWorkers\":2},{\"name\":\"prime-count\"}]"))
                .containsExactlyInAnyOrder("echo", "prime-count");
        assertThat(ErrandSystem.taskTypes("[]")).isEmpty();
    }

    @Test
    void messagePatternFromTheSpyQueues() {
        List<Long> jobs = MessageSpy.payloadBytes("[{\"payload_bytes\":100,\"payload\":\"...\"},"
                + "{\"payload_bytes\":120}]");
        assertThat(jobs).containsExactly(100L, 120L);
        MessageSpy.MessagePattern pattern = MessageSpy.MessagePattern.of(100, 125, jobs, List.of(300L));
        assertThat(pattern.messagesPerJob()).isEqualTo(2.25);
        assertThat(pattern.jobMessageBytes()).isEqualTo(110);
        assertThat(pattern.meanMessageBytes()).isEqualTo(Math.round((110 + 1.25 * 300) / 2.25));
        assertThat(Json.write(pattern)).contains("\"messages_per_job\":2.25").contains("\"jobs_seen\":100");
        assertThat(MessageSpy.MessagePattern.of(0, 0, List.of(), List.of()).messagesPerJob()).isEqualTo(3.0);
    }

    @Test
    void perfTestSummary() {
        String log = """
                id: test-1, sending rate avg: 9120 msg/s
                id: test-1, receiving rate avg: 9001 msg/s
                id: test-1, consumer latency min/median/75th/95th/99th 100/2500/3000/8000/12000 µs
                """;
        Map<String, Object> r = PerfTestSystem.parse(log, "round1", 2.25, 180, "-qq");
        assertThat(r).containsEntry("msg_s", 9001L).containsEntry("sent_msg_s", 9120L)
                .containsEntry("throughput", 4000.4).containsEntry("gate", "pass")
                .containsEntry("latency_p50_ms", 2.5).containsEntry("latency_p99_ms", 12.0);
        assertThat(PerfTestSystem.parse("nothing", "round1", 3, 200, "")).containsEntry("gate", "FAIL");
    }

    @Test
    void cpuTicksOfAProcStatLineCountTheReapedChildrenToo() {
        String stat = "1234 (java (main)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 40 0 12345";
        assertThat(Processes.ticksOf(stat)).isEqualTo(310);
        Map<String, Object> cpu = ErrandSystem.cpuMsPerJob(new long[] {0, 0, 0, 0}, new long[] {100, 200, 50, 10},
                100, 1000);
        assertThat(cpu).containsExactly(Map.entry("api", 1.0), Map.entry("workers", 2.0),
                Map.entry("broker", 0.5), Map.entry("postgres", 0.1));
    }

    @Test
    void celerysResultDatabaseIsTheIsolationsDatabase() {
        assertThat(CelerySystem.resultDatabase("jdbc:postgresql://127.0.0.1:5432/errand_test_x", "postgres", ""))
                .isEqualTo("postgresql://postgres@127.0.0.1:5432/errand_test_x");
        assertThat(CelerySystem.resultDatabase("jdbc:postgresql://db:5433/x", "u", "p"))
                .isEqualTo("postgresql://u:p@db:5433/x");
    }
}
