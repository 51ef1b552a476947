package errand.tests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The contract between Errand's dashboards and alerts and the processes Prometheus scrapes: every metric name a
 * query reads must be a series some target exports. Series names are compared as Prometheus stores them, so a
 * histogram is read through its {@code _bucket}, {@code _count} and {@code _sum} series, a counter through its
 * {@code _total}.
 */
public final class MetricsContract {

    /** Series Prometheus makes itself, per target or from rules: no target exports them. */
    static final Set<String> BUILT_IN = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    private MetricsContract() {
    }

    /**
     * The metric names the queries read, among those {@code concerned} selects, that are in none of {@code exported};
     * each with the queries reading it. Built-in series and names recorded by rules are never missing.
     */
    public static Map<String, List<String>> unexported(MonitoringQueries queries, Set<String> exported,
            Predicate<String> concerned) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (MonitoringQueries.Query query : queries.queries()) {
            for (String name : query.metrics()) {
                if (concerned.test(name) && !exported.contains(name) && !BUILT_IN.contains(name)
                        && !queries.recordedNames().contains(name)) {
                    missing.computeIfAbsent(name, n -> new ArrayList<>()).add(query.source());
                }
            }
        }
        return missing;
    }

    /**
     * The names of the series in a Prometheus text exposition (format 0.0.4): {@code errand_jobs_submitted_total},
     * {@code errand_job_latency_seconds_bucket}, ... Comment lines ({@code # HELP}, {@code # TYPE}) name metric
     * families, not series, and are skipped.
     */
    public static Set<String> seriesNames(String exposition) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : exposition.split("\n")) {
            String sample = line.strip();
            if (sample.isEmpty() || sample.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < sample.length() && sample.charAt(end) != '{' && !Character.isWhitespace(sample.charAt(end))) {
                end++;
            }
            names.add(sample.substring(0, end));
        }
        return names;
    }

    /**
     * The label names of each series in a Prometheus text exposition, over all its samples: {@code
     * errand_jobs_completed_total -> [type, status]}. Label values here are task types, statuses and the like: they
     * hold no quotes or commas.
     */
    public static Map<String, Set<String>> labelNames(String exposition) {
        Map<String, Set<String>> labels = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            String sample = line.strip();
            if (sample.isEmpty() || sample.startsWith("#")) {
                continue;
            }
            int brace = sample.indexOf('{');
            int space = sample.indexOf(' ');
            String name = sample.substring(0, brace >= 0 && (space < 0 || brace < space) ? brace : space);
            Set<String> names = labels.computeIfAbsent(name, n -> new LinkedHashSet<>());
            if (brace >= 0 && name.length() == brace) {
                for (String pair : sample.substring(brace + 1, sample.indexOf('}')).split(",")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0) {
                        names.add(pair.substring(0, equals).strip());
                    }
                }
            }
        }
        return labels;
    }

    /** The series names {@code endpoint} exports, or empty if it cannot be reached or does not answer 200. */
    public static Optional<Set<String>> scrape(URI endpoint) {
        return exposition(endpoint).map(MetricsContract::seriesNames);
    }

    /** The text exposition {@code endpoint} answers, or empty if it cannot be reached or does not answer 200. */
    public static Optional<String> exposition(URI endpoint) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20))
                .header("Accept", "text/plain; version=0.0.4; charset=utf-8").GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
