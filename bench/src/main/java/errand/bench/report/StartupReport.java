package errand.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import errand.bench.report.Report.Target;
import errand.bench.report.Summary.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The start-up part of the report (startup.json, the {@code startup} workload): seconds from process start to
 * readiness, median [range] over the starts, by launch; "together" is the last of the three to be ready.
 */
public final class StartupReport {

    static final List<String> HEADER = List.of("launch", "API alone: ready s", "CPU s", "worker alone: ready s",
            "CPU s", "API + API + worker at once: all ready s");

    /** What the launches are called in startup.json, and in the report. */
    private static final Map<String, String> LAUNCHES = Map.of("PLAIN_JAR", "java -jar (JVM defaults)",
            "SCRIPT_WITHOUT_AOT", "bin/errand-java, ERRAND_AOT=off", "SCRIPT", "bin/errand-java (AOT cache)");
    private static final List<String> ORDER = List.of("PLAIN_JAR", "SCRIPT_WITHOUT_AOT", "SCRIPT");
    private static final double TARGET_SECONDS = 3;

    private StartupReport() {
    }

    public static List<List<String>> table(Map<String, Object> startup) {
        List<List<String>> lines = new ArrayList<>();
        for (String launch : ORDER) {
            if (launches(startup).get(launch) instanceof Map<?, ?> phases) {
                lines.add(List.of(LAUNCHES.get(launch), seconds(stat(phases, "api alone", "ready_s", "api")),
                        seconds(stat(phases, "api alone", "cpu_s", "api")),
                        seconds(stat(phases, "worker alone", "ready_s", "worker")),
                        seconds(stat(phases, "worker alone", "cpu_s", "worker")),
                        seconds(stat(phases, "together", "ready_s", null))));
            }
        }
        return lines;
    }

    /** Each app ready within 3 s alone, started as users start it; none without start-up figures. */
    public static List<Target> targets(Map<String, Object> startup) {
        List<Target> targets = new ArrayList<>();
        if (launches(startup).get("SCRIPT") instanceof Map<?, ?> phases) {
            for (String app : List.of("api", "worker")) {
                Stat ready = stat(phases, app + " alone", "ready_s", app);
                if (ready != null) {
                    targets.add(new Target("errand-" + app + " ready ≤ 3 s alone (bin/errand-java, median)",
                            Format.fixed(ready.median(), 2) + " s", ready.median() <= TARGET_SECONDS));
                }
            }
        }
        return targets;
    }

    /** The Markdown section; empty without startup.json. */
    public static List<String> markdown(Map<String, Object> startup) {
        List<String> md = new ArrayList<>();
        List<List<String>> lines = table(startup);
        if (lines.isEmpty()) {
            return md;
        }
        md.add("## Start-up");
        md.add("");
        md.add("From starting the process (the launcher or `java`) to the first 200 on `/actuator/health/readiness`, "
                + "and the CPU it had spent by then; median [range] of " + startup.get("runs") + " start(s) each, "
                + "the launches taking turns. \"At once\": the API, a second API and a worker started together, "
                + "until the last is ready. The machine's other load counts: compare the CPU seconds too.");
        md.add("");
        md.add(Format.markdownTable(HEADER, lines));
        md.add("");
        return md;
    }

    private static Map<?, ?> launches(Map<String, Object> startup) {
        return startup.get("launches") instanceof Map<?, ?> map ? map : Map.of();
    }

    /**
     * A figure over the starts of one phase: the process's own when {@code process} is named, else the largest of
     * each start's processes (the last one ready).
     */
    private static @Nullable Stat stat(Map<?, ?> phases, String phase, String figure, @Nullable String process) {
        List<Double> values = new ArrayList<>();
        if (phases.get(phase) instanceof List<?> starts) {
            for (Object start : starts) {
                if (start instanceof Map<?, ?> s && s.get(figure) instanceof Map<?, ?> byProcess) {
                    double value = 0;
                    for (Map.Entry<?, ?> e : byProcess.entrySet()) {
                        if (e.getValue() instanceof Number n && (process == null || process.equals(e.getKey()))) {
                            value = Math.max(value, n.doubleValue());
                        }
                    }
                    values.add(value);
                }
            }
        }
        return Stat.of(values);
    }

    private static String seconds(@Nullable Stat stat) {
        return Format.stat(stat, 2, "");
    }
}
