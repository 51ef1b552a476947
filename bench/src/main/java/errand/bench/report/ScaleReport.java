package errand.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scale-out part of the report (bench/run --scale): the batch burn-down by API instances and worker processes,
 * with the CPU milliseconds per job of each process (medians over the measured rounds).
 */
public final class ScaleReport {

    static final List<String> HEADER = List.of("APIs", "workers", "jobs/s median [range]",
            "CPU ms/job per API process", "per worker process", "broker", "PostgreSQL", "all");

    /** One configuration's medians. */
    public record Line(int apis, int workers, Summary.Stat throughput, double perApi, double perWorker,
            double broker, double postgres, double all) {
    }

    private ScaleReport() {
    }

    /** The measured {@code scale-a<A>-w<W>} rows, by configuration in the order they ran. */
    public static List<Line> lines(List<ResultRow> rows) {
        Map<String, List<ResultRow>> byLabel = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (r.system().equals("errand") && r.workload().startsWith("scale-") && r.measured()) {
                byLabel.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Line> lines = new ArrayList<>();
        byLabel.forEach((label, measured) -> {
            Summary.Stat throughput = Summary.Stat.of(measured.stream().map(r -> r.number("throughput"))
                    .filter(v -> v != null).toList());
            int apis = measured.getFirst().number("apis") == null ? 1 : measured.getFirst().number("apis").intValue();
            int workers = measured.getFirst().number("workers") == null ? 0
                    : measured.getFirst().number("workers").intValue();
            double api = median(measured, "api") / Math.max(1, apis);
            double worker = median(measured, "workers") / Math.max(1, workers);
            double broker = median(measured, "broker");
            double postgres = median(measured, "postgres");
            lines.add(new Line(apis, workers, throughput == null ? new Summary.Stat(0, 0, 0) : throughput, api,
                    worker, broker, postgres, api * apis + worker * workers + broker + postgres));
        });
        return lines;
    }

    private static double median(List<ResultRow> rows, String group) {
        Summary.Stat stat = Summary.Stat.of(rows.stream().map(r -> r.cpuMsPerJob().get(group))
                .filter(v -> v != null).toList());
        return stat == null ? 0 : stat.median();
    }

    public static List<List<String>> table(List<Line> lines) {
        List<List<String>> table = new ArrayList<>();
        for (Line l : lines) {
            table.add(List.of(Integer.toString(l.apis()), Integer.toString(l.workers()), Format.stat(l.throughput()),
                    Format.fixed(l.perApi(), 3), Format.fixed(l.perWorker(), 3), Format.fixed(l.broker(), 3),
                    Format.fixed(l.postgres(), 3), Format.fixed(l.all(), 3)));
        }
        return table;
    }

    /** The Markdown section; empty without scale rows. */
    public static List<String> markdown(List<Line> lines, int cores) {
        List<String> md = new ArrayList<>();
        if (lines.isEmpty()) {
            return md;
        }
        md.add("## Scaling out: the batch burn-down by API instances and worker processes");
        md.add("");
        md.add("Each configuration's processes started fresh (warm-up, then the measured rounds) and stopped before "
                + "the next; the load generator sends its batches to the API instances in turn. CPU milliseconds per "
                + "job of each process (the API's and the workers' groups divided by their count), the broker's and "
                + "PostgreSQL's (all their processes). On this machine's " + cores + " cores, jobs/s ≈ "
                + cores + " × 1000 ÷ \"all\" when the CPU is the limit; see bench/where-the-time-goes.md, "
                + "\"Projection\", for what a bigger machine would do.");
        md.add("");
        md.add(Format.markdownTable(HEADER, table(lines)));
        md.add("");
        return md;
    }
}
