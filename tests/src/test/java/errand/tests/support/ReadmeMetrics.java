package errand.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics the README promises, with their tags: the rows of the API's metric table in "Operating Errand"
 * ({@code | `errand_jobs_submitted_total` | type | … |}, a row may name several metrics and mark them
 * {@code (histogram)}), and the workers' {@code `errand_worker_…{type,outcome}`} in the sentence below it.
 */
public record ReadmeMetrics(List<Metric> metrics) {

    /** One promised metric: its Prometheus name, its tags, and whether it is a histogram. */
    public record Metric(String name, Set<String> tags, boolean histogram) {

        /** The series that carries the metric's tags: a histogram's {@code _bucket} (which adds {@code le}). */
        public String series() {
            return histogram ? name + "_bucket" : name;
        }
    }

    private static final Pattern TABLE_ROW = Pattern.compile("^\\| (`errand_[^|]+)\\|([^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("`(errand_[a-z_]+)`");
    private static final Pattern WORKER_METRIC =
            Pattern.compile("`(errand_worker_[a-z_]+)\\{([a-z,]*)}`( \\(histogram\\))?");

    public static ReadmeMetrics load(Path repoRoot) {
        String readme;
        try {
            readme = Files.readString(repoRoot.resolve("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(readme);
    }

    public static ReadmeMetrics parse(String readme) {
        List<Metric> metrics = new ArrayList<>();
        Matcher row = TABLE_ROW.matcher(readme);
        while (row.find()) {
            boolean histogram = row.group(1).contains("(histogram)");
            Set<String> tags = tags(row.group(2));
            Matcher name = NAME.matcher(row.group(1));
            while (name.find()) {
                metrics.add(new Metric(name.group(1), tags, histogram));
            }
        }
        Matcher worker = WORKER_METRIC.matcher(readme.replace("\n  ", " "));
        while (worker.find()) {
            metrics.add(new Metric(worker.group(1), tags(worker.group(2)), worker.group(3) != null));
        }
        return new ReadmeMetrics(List.copyOf(metrics));
    }

    private static Set<String> tags(String list) {
        Set<String> tags = new LinkedHashSet<>();
        Arrays.stream(list.split(",")).map(String::strip).filter(tag -> !tag.isEmpty()).forEach(tags::add);
        return tags;
    }
}
