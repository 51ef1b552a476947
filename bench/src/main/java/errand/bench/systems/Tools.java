package errand.bench.systems;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import errand.bench.Console;

/** What the run needs besides the services, installed idempotently: Debian's packages, PerfTest, Errand's jars. */
public final class Tools {

    static final Path API_JAR = Path.of("producer-api/target/producer-api-0.1.0.jar");
    static final Path WORKER_JAR = Path.of("worker-service/target/worker-service-0.1.0.jar");
    static final Path LAUNCHER = Path.of("bin/errand-java");
    private static final List<String> PACKAGES = List.of("python3-celery", "python3-psycopg2",
            "python3-sqlalchemy", "python3-matplotlib");

    private Tools() {
    }

    /** Celery and matplotlib from Debian's packages (apt), when any is missing. */
    public static void ensureDebianPackages(Path logs) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String pkg : PACKAGES) {
            if (!Processes.quietly(List.of("dpkg-query", "-W", "-f=${Status}", pkg)).contains("install ok installed")) {
                missing.add(pkg);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Console.log("installing " + String.join(" ", missing) + " from Debian's packages");
        Processes.quietly(List.of("apt-get", "update", "-qq"));
        List<String> install = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get",
                "install", "-y", "-qq"));
        install.addAll(missing);
        runLogged(install, logs.resolve("apt.log"), "apt-get install failed");
    }

    public static boolean matplotlibInstalled() {
        return Processes.quietly(List.of("dpkg-query", "-W", "-f=${Status}", "python3-matplotlib"))
                .contains("install ok installed");
    }

    /** RabbitMQ PerfTest and its dependencies from Maven Central, into bench/.tools/perftest. */
    public static void ensurePerfTest(Path logs) throws Exception {
        Path dir = Path.of("bench/.tools/perftest");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().startsWith("perf-test-"))) {
                    return;
                }
            }
        }
        Console.log("fetching RabbitMQ PerfTest and its dependencies from Maven Central");
        runLogged(List.of("./mvnw", "-B", "-q", "-f", "bench/perftest/pom.xml", "dependency:copy-dependencies",
                "-DincludeScope=runtime", "-DoutputDirectory=" + dir.toAbsolutePath()),
                logs.resolve("perftest-fetch.log"), "could not fetch PerfTest");
    }

    /**
     * Builds the API's and the worker's jars when asked or missing, then copies them and the launcher
     * (bin/errand-java) into the run's folder, so a rebuild in the work tree during the run cannot change what is
     * measured; then has the launcher prepare both copies (extract, and the AOT cache's training run), side by side.
     */
    public static void ensureJars(boolean build, Path out, String java) throws Exception {
        if (build || !Files.exists(API_JAR) || !Files.exists(WORKER_JAR)) {
            Console.log("building the jars");
            runLogged(List.of("./mvnw", "-B", "-q", "package", "-DskipTests"), out.resolve("logs/build.log"),
                    "build failed");
        }
        Files.createDirectories(out.resolve("jars"));
        Files.copy(API_JAR, apiJar(out), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(WORKER_JAR, workerJar(out), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(LAUNCHER, launcher(out), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Console.log("preparing the jars as bin/errand-java does on a first start (extract, AOT cache training run)");
        List<Process> preparing = new ArrayList<>();
        for (Launch.App app : Launch.App.values()) {
            Path jar = jar(app, out);
            ProcessBuilder prepare = new ProcessBuilder(launcher(out).toString(), "--prepare", jar.toString())
                    .redirectErrorStream(true).redirectOutput(out.resolve("logs/prepare-"
                            + jar.getFileName().toString().replace(".jar", ".log")).toFile());
            prepare.environment().putAll(Launch.SCRIPT.environment(app, java, ""));
            preparing.add(prepare.start());
        }
        for (Process process : preparing) {
            if (process.waitFor() != 0) {
                throw new IOException("bin/errand-java --prepare failed (see " + out.resolve("logs") + ")");
            }
        }
    }

    /** The run's copy of bin/errand-java. */
    static Path launcher(Path out) {
        return out.resolve("jars/errand-java");
    }

    static Path apiJar(Path out) {
        return out.resolve("jars/api.jar");
    }

    static Path workerJar(Path out) {
        return out.resolve("jars/worker.jar");
    }

    /** The run's copy of {@code app}'s jar. */
    static Path jar(Launch.App app, Path out) {
        return app == Launch.App.API ? apiJar(out) : workerJar(out);
    }

    private static void runLogged(List<String> command, Path log, String failure) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (process.waitFor() != 0) {
            List<String> lines = Files.readAllLines(log);
            lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(Console::line);
            throw new IOException(failure + " (see " + log + ")");
        }
    }
}
