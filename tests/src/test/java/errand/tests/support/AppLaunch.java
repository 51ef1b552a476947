package errand.tests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How {@link AppProcess} launches an app jar: through {@code bin/errand-java}, as users, the Dockerfiles and the
 * benchmark kit do, with the tests' JVM flags ({@code ERRAND_JVM_OPTS}) and the test JVM's JDK ({@code JAVA_HOME}).
 * The script runs the jar extracted, from the JDK 25 AOT cache (JEP 483 and 514) next to it, and {@code exec}s java,
 * so an app's pid is its JVM's, for signals and {@code jcmd}.
 *
 * <p>The first launch of each jar in a test JVM first runs {@code bin/errand-java --prepare} on it, alone (several
 * apps of one jar start at once): it extracts the jar and trains the cache, or finds both up to date with the jar.
 * The training run refreshes the context without the launch's arguments: they change which classes it loads little
 * (database and broker settings make no beans; Flyway, switched off for the training run, is what the cache misses).
 * If preparing fails, a warning with the script's output goes to the test log and the jar's apps start without the
 * cache ({@code ERRAND_AOT=off}), as they do with {@code -Derrand.tests.aot-cache=false}. The script's output is in
 * {@code tests/target/e2e-logs/launch/}.
 */
final class AppLaunch {

    /**
     * The JVM flags of every app process; the AOT cache's own logging off, so an app's output is what the log tests
     * read.
     */
    static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-Xlog:aot*=off,cds*=off");

    private static final System.Logger LOG = System.getLogger(AppLaunch.class.getName());
    /** Extracting and a training run, on a loaded machine. */
    private static final long PREPARE_LIMIT_SECONDS = 300;
    private static final Map<Path, AppLaunch> BY_JAR = new ConcurrentHashMap<>();

    private final Path jar;
    private final boolean aotCache;

    private AppLaunch(Path jar, boolean aotCache) {
        this.jar = jar;
        this.aotCache = aotCache;
    }

    /** The launch of {@code jar}, prepared now if this is the jar's first launch in this JVM. */
    static AppLaunch of(Path jar) {
        return BY_JAR.computeIfAbsent(jar, AppLaunch::prepared);
    }

    /** {@code bin/errand-java} on the jar with {@code arguments} for the app. */
    ProcessBuilder processBuilder(List<String> arguments) {
        List<String> scriptArguments = new ArrayList<>(List.of(jar.toString()));
        scriptArguments.addAll(arguments);
        return launcher(scriptArguments);
    }

    /**
     * {@code bin/errand-java} with {@code scriptArguments}, in the environment it reads: the JDK, the JVM flags and
     * whether to use the AOT cache.
     */
    private ProcessBuilder launcher(List<String> scriptArguments) {
        List<String> command = new ArrayList<>(List.of(PlatformApps.repoRoot().resolve("bin/errand-java").toString()));
        command.addAll(scriptArguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("ERRAND_JVM_OPTS", String.join(" ", JVM_FLAGS));
        environment.put("ERRAND_AOT", aotCache ? "on" : "off");
        // the tests' flags are the whole JVM configuration, whatever the shell running Maven exports
        environment.remove("JAVA_OPTS");
        return builder;
    }

    private static AppLaunch prepared(Path jar) {
        if (!Boolean.parseBoolean(System.getProperty("errand.tests.aot-cache", "true"))) {
            return new AppLaunch(jar, false);
        }
        AppLaunch launch = new AppLaunch(jar, true);
        Path log = PlatformApps.logDirectory("launch").resolve("prepare-" + jar.getFileName() + ".log");
        ProcessBuilder prepare = launch.launcher(List.of("--prepare", jar.toString()));
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
            Process process = prepare.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(PREPARE_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                // the script's java (extracting, training) first, then the script
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return failed(jar, "did not end in " + PREPARE_LIMIT_SECONDS + " s", log);
            }
            if (process.exitValue() != 0) {
                return failed(jar, "exited with " + process.exitValue(), log);
            }
            return launch;
        } catch (IOException e) {
            return failed(jar, e.toString(), log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(jar, "interrupted", log);
        }
    }

    private static AppLaunch failed(Path jar, String why, Path log) {
        LOG.log(System.Logger.Level.WARNING, "bin/errand-java --prepare {0} {1}; its apps start without the AOT cache."
                + " Output ({2}):\n{3}", jar, why, log, output(log));
        return new AppLaunch(jar, false);
    }

    private static String output(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
