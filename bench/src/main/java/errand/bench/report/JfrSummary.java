package errand.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * With {@code --profile}: the flight recordings of the API and the workers summarised as Markdown (profile/summary.md,
 * also a section of the report): CPU samples by innermost Errand method, by library of the innermost frame, by leaf
 * method and by thread, plus JFR's contention, GC and CPU-load views.
 */
public final class JfrSummary {

    /** (prefix of the innermost frame, library), the first match wins. */
    private static final List<List<String>> LIBRARIES = List.of(
            List.of("org.postgresql.", "PostgreSQL JDBC driver"), List.of("com.zaxxer.hikari.", "Hikari pool"),
            List.of("com.rabbitmq.", "RabbitMQ client"), List.of("org.springframework.amqp.", "Spring AMQP"),
            List.of("tools.jackson.", "Jackson"), List.of("com.fasterxml.jackson.", "Jackson"),
            List.of("com.networknt.", "JSON Schema validator"), List.of("org.apache.catalina.", "Tomcat"),
            List.of("org.apache.coyote.", "Tomcat"), List.of("org.apache.tomcat.", "Tomcat"),
            List.of("org.springframework.", "Spring"), List.of("ch.qos.logback.", "Logback"),
            List.of("org.slf4j.", "Logback"), List.of("io.micrometer.", "Micrometer"),
            List.of("io.opentelemetry.", "OpenTelemetry"), List.of("errand.", "Errand"),
            List.of("sun.nio.", "JDK I/O"), List.of("java.net.", "JDK I/O"), List.of("sun.security.", "JDK crypto"),
            List.of("java.util.zip.", "JDK zip"),
            List.of("java.", "JDK"), List.of("jdk.", "JDK"), List.of("sun.", "JDK"));

    private JfrSummary() {
    }

    /** The summary of every {@code *.jfr} in the folder; {@code jfr} is the JDK's tool, for its views. */
    public static String of(Path folder, String jfr) throws IOException {
        List<Path> recordings;
        try (var files = Files.list(folder)) {
            recordings = files.filter(f -> f.getFileName().toString().endsWith(".jfr")).sorted().toList();
        }
        StringBuilder out = new StringBuilder("CPU samples of the whole run (warm-up and all workloads) from JFR's"
                + " `profile` settings.\n\n");
        for (Path recording : recordings) {
            out.append(summarize(recording, jfr)).append('\n');
        }
        return out.toString();
    }

    static String summarize(Path recording, String jfr) throws IOException {
        Map<String, Integer> leaf = new LinkedHashMap<>();
        Map<String, Integer> errandFrame = new LinkedHashMap<>();
        Map<String, Integer> libraries = new LinkedHashMap<>();
        Map<String, Integer> threads = new LinkedHashMap<>();
        int total = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                List<String> frames = new ArrayList<>();
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    if (frame.getMethod() != null) {
                        frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
                    }
                }
                if (frames.isEmpty()) {
                    continue;
                }
                total++;
                RecordedThread thread = event.getThread("sampledThread");
                String name = thread == null ? "?" : thread.getJavaName() != null ? thread.getJavaName()
                        : thread.getOSName() != null ? thread.getOSName() : "?";
                leaf.merge(frames.getFirst(), 1, Integer::sum);
                libraries.merge(library(frames.getFirst()), 1, Integer::sum);
                threads.merge(threadGroup(name), 1, Integer::sum);
                String errand = frames.stream().filter(f -> f.startsWith("errand.")).findFirst()
                        .orElse("(no Errand frame: framework/JDK thread)");
                errandFrame.merge(errand, 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>(List.of("### " + recording.getFileName() + ": " + total + " CPU samples",
                ""));
        if (total == 0) {
            out.addAll(List.of("(no samples)", ""));
            return String.join("\n", out);
        }
        table(out, "innermost Errand method on the stack (inclusive)", errandFrame, total, 12, true);
        table(out, "library of the innermost frame (self time)", libraries, total, 12, false);
        table(out, "hottest leaf methods", leaf, total, 12, true);
        table(out, "threads (numbers folded)", threads, total, 10, true);
        for (String view : List.of("contention-by-site", "gc", "cpu-load")) {
            out.addAll(List.of("<details><summary>jfr view " + view + "</summary>", "", "```", view(jfr, view,
                    recording), "```", "</details>", ""));
        }
        return String.join("\n", out);
    }

    static String library(String frame) {
        return LIBRARIES.stream().filter(l -> frame.startsWith(l.get(0))).map(l -> l.get(1)).findFirst()
                .orElse("other");
    }

    /** Folds numbered threads together: http-nio-8080-exec-12 -> http-nio-N-exec-N. */
    static String threadGroup(String name) {
        return name.replaceAll("\\d+", "N");
    }

    /** The n most common, most first (ties in the order first seen), as a Markdown table. */
    static void table(List<String> out, String title, Map<String, Integer> counts, int total, int n, boolean code) {
        out.add("| " + title + " | samples | share |");
        out.add("|---|---|---|");
        counts.entrySet().stream().sorted(Comparator.comparing(Map.Entry<String, Integer>::getValue).reversed())
                .limit(n).forEach(e -> out.add(String.format(Locale.ROOT, "| %s | %d | %.1f%% |",
                        code ? "`" + e.getKey() + "`" : e.getKey(), e.getValue(), 100.0 * e.getValue() / total)));
        out.add("");
    }

    private static String view(String jfr, String name, Path recording) {
        try {
            Process process = new ProcessBuilder(jfr, "view", "--width", "160", name, recording.toString())
                    .redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "(timed out)";
            }
            return String.join("\n", text.strip().lines().limit(25).toList());
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
