package errand.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of an app's {@code /actuator/prometheus}, to read the values of its series: the numbers an operator's
 * Prometheus would see, read over the same HTTP endpoint.
 */
public final class PrometheusScrape {

    /** {@code name{labels} value}, labels optional; the value may be a float or NaN. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+).*$");

    private record Sample(String name, String labels, double value) {
    }

    private final String app;
    private final List<Sample> samples;

    private PrometheusScrape(String app, List<Sample> samples) {
        this.app = app;
        this.samples = samples;
    }

    /** Scrapes {@code app} now; fails the test if it does not answer 200. */
    public static PrometheusScrape of(AppProcess app) {
        ErrandClient.Response response = new ErrandClient(app::managementUri).get("/actuator/prometheus");
        assertThat(response.status()).as("scrape of %s: %s", app, response).isEqualTo(200);
        List<Sample> samples = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            Matcher matcher = SAMPLE.matcher(line);
            if (!line.startsWith("#") && matcher.matches()) {
                samples.add(new Sample(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2),
                        Double.parseDouble(matcher.group(3))));
            }
        }
        return new PrometheusScrape(app.name(), samples);
    }

    /** The sum of every series named {@code name}; 0 if there is none (a counter not yet registered). */
    public double sum(String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).mapToDouble(Sample::value).sum();
    }

    /** The sum of the series named {@code name} that have the label {@code label="value"}. */
    public double sum(String name, String label, String value) {
        String pair = label + "=\"" + value + "\"";
        return samples.stream().filter(sample -> sample.name().equals(name) && sample.labels().contains(pair))
                .mapToDouble(Sample::value).sum();
    }

    @Override
    public String toString() {
        return "scrape of " + app + " (" + samples.size() + " samples)";
    }
}
