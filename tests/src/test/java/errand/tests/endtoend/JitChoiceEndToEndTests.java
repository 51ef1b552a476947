package errand.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import errand.tests.support.PlatformApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/errand-java}'s {@code ERRAND_JIT}: the API's Dockerfile and the benchmark kit start the API with C1 only,
 * a worker keeps tiered compilation for its handlers. The launcher runs on a copy of the API's jar (it extracts next
 * to the jar), without the AOT cache, and the JVM prints its final flags and exits instead of starting the app.
 */
class JitChoiceEndToEndTests {

    @TempDir
    Path folder;

    @Test
    void c1StopsCompilationAtTheFirstTier() throws Exception {
        assertThat(launch(Map.of("ERRAND_JIT", "c1")).output()).containsPattern("TieredStopAtLevel\\s+= 1\\s");
    }

    @Test
    void withoutAChoiceBothCompilersRun() throws Exception {
        assertThat(launch(Map.of()).output()).containsPattern("TieredStopAtLevel\\s+= 4\\s");
    }

    @Test
    void anUnknownChoiceIsRefusedBeforeTheJvmStarts() throws Exception {
        Launched launched = launch(Map.of("ERRAND_JIT", "c2-only"));
        assertThat(launched.exitCode()).isEqualTo(2);
        assertThat(launched.output()).contains("ERRAND_JIT must be tiered or c1, not 'c2-only'")
                .doesNotContain("TieredStopAtLevel");
    }

    private record Launched(int exitCode, String output) {
    }

    private Launched launch(Map<String, String> environment) throws IOException, InterruptedException {
        Path jar = Files.copy(PlatformApps.apiJar(), folder.resolve("api.jar"));
        Path output = folder.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(PlatformApps.repoRoot().resolve("bin/errand-java").toString(),
                jar.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("ERRAND_AOT", "off");
        builder.environment().put("ERRAND_JVM_OPTS", "-XX:+PrintFlagsFinal");
        // last: java reads no option after -version
        builder.environment().put("JAVA_OPTS", "-version");
        builder.environment().remove("ERRAND_JIT");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the launcher ended").isTrue();
        return new Launched(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
