package errand.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How {@link AppProcess} launches an app jar: from an AOT cache when it can (JDK 25, JEP 483 and 514), which halves
 * a Spring Boot app's start. The first launch of each jar in a test JVM extracts it (Spring Boot's
 * {@code -Djarmode=tools extract}: the JVM caches classes only from plain jars, not nested ones) and runs it once as
 * a training run that exits after its context refresh ({@code -Dspring.context.exit=onRefresh}), with the same
 * arguments as the launch, writing the cache. Every launch of that jar then runs the extracted jar with the cache,
 * silent about it ({@code -Xlog:aot*=off}), so the apps' output stays what the log tests read. If extraction or
 * training fails, the jar is launched as it is, as before; so it is with {@code -Derrand.tests.aot-cache=false}.
 *
 * <p>The extracted jars and caches are in {@code tests/target/app-aot/<jar>/}, remade by every test JVM; the
 * training run's output is in {@code training.log} there.
 */
final class AppLaunch {

    /** The JVM flags of every app process. */
    static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xss512k", "-XX:+ExitOnOutOfMemoryError");

    private static final long TRAINING_LIMIT_SECONDS = 180;
    private static final Map<Path, AppLaunch> BY_JAR = new ConcurrentHashMap<>();

    private final List<String> flags;
    private final Path jar;

    private AppLaunch(List<String> flags, Path jar) {
        this.flags = List.copyOf(flags);
        this.jar = jar;
    }

    /** {@code java}, the flags, {@code -jar} and what to run, for {@code jar}. */
    List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(flags);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(arguments);
        return command;
    }

    /**
     * The launch of {@code jar}: from its AOT cache, made now by a training run with {@code arguments} if this is
     * the jar's first launch in this JVM.
     */
    static AppLaunch of(Path jar, List<String> arguments) {
        return BY_JAR.computeIfAbsent(jar, plain -> cached(plain, arguments));
    }

    private static AppLaunch cached(Path jar, List<String> arguments) {
        AppLaunch plain = new AppLaunch(JVM_FLAGS, jar);
        if (!Boolean.parseBoolean(System.getProperty("errand.tests.aot-cache", "true"))) {
            return plain;
        }
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        Path directory = PlatformApps.repoRoot().resolve("tests/target/app-aot").resolve(name);
        Path extracted = directory.resolve("app");
        Path cache = directory.resolve(name + ".aot");
        Path log = directory.resolve("training.log");
        try {
            deleteRecursively(directory);
            Files.createDirectories(directory);
            run(List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
                    extracted.toString()), directory.resolve("extract.log"));
            Path extractedJar = extracted.resolve(jar.getFileName());
            List<String> training = new ArrayList<>();
            training.add(java());
            training.addAll(JVM_FLAGS);
            training.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-Dspring.context.exit=onRefresh", "-jar",
                    extractedJar.toString()));
            // the launch's arguments, on ports of the training run's own (it exits before it listens)
            arguments.stream().filter(argument -> !argument.startsWith("--server.port=")
                    && !argument.startsWith("--management.server.port=")).forEach(training::add);
            training.add("--server.port=0");
            run(training, log);
            if (!Files.isRegularFile(extractedJar) || !Files.isRegularFile(cache)) {
                return plain;
            }
            List<String> flags = new ArrayList<>(JVM_FLAGS);
            flags.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=off,cds*=off"));
            return new AppLaunch(flags, extractedJar);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            return plain;
        }
    }

    /** Runs {@code command} to its end, output to {@code log}; throws if it fails or takes too long. */
    private static void run(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(TRAINING_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not end: " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + log);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
