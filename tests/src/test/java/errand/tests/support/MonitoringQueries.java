package errand.tests.support;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import errand.model.WireJson;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Every PromQL query of Errand's monitoring: the {@code expr} of every target of every panel of
 * {@code grafana/dashboards/*.json} (rows and nested panels included), their template variable queries, and the
 * {@code expr} of every rule in {@code prometheus/alerts.yml}; each with the metric names it reads.
 */
public record MonitoringQueries(List<Query> queries, Set<String> recordedNames) {

    public static final Path DASHBOARDS = Path.of("grafana/dashboards");
    public static final Path ALERTS = Path.of("prometheus/alerts.yml");

    /** One query and where it comes from, e.g. {@code errand-overview.json, panel "Dead letters"}. */
    public record Query(String source, String expr, Set<String> metrics) {
    }

    public static MonitoringQueries load(Path repoRoot) {
        List<Query> queries = new ArrayList<>();
        try (Stream<Path> files = Files.list(repoRoot.resolve(DASHBOARDS))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = WireJson.mapper().readTree(Files.readString(file));
                String name = file.getFileName().toString();
                collectPanelQueries(name, dashboard.path("panels"), queries);
                collectVariableQueries(name, dashboard.path("templating").path("list"), queries);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> recorded = new LinkedHashSet<>();
        collectRuleQueries(repoRoot.resolve(ALERTS), queries, recorded);
        return new MonitoringQueries(List.copyOf(queries), Set.copyOf(recorded));
    }

    /** Every metric name the queries read, in order of first use. */
    public Set<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        queries.forEach(query -> names.addAll(query.metrics()));
        return names;
    }

    private static void collectPanelQueries(String dashboard, JsonNode panels, List<Query> queries) {
        for (JsonNode panel : panels) {
            String source = dashboard + ", panel \"" + panel.path("title").asString("") + "\"";
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString("");
                if (!expr.isBlank()) {
                    queries.add(query(source + " " + target.path("refId").asString(""), expr,
                            PromQlMetricNames::in));
                }
            }
            // a collapsed row keeps its panels inside it
            collectPanelQueries(dashboard, panel.path("panels"), queries);
        }
    }

    private static void collectVariableQueries(String dashboard, JsonNode variables, List<Query> queries) {
        for (JsonNode variable : variables) {
            if (!"query".equals(variable.path("type").asString(""))) {
                continue;
            }
            JsonNode query = variable.path("query");
            String expr = query.isObject() ? query.path("query").asString("") : query.asString("");
            String source = dashboard + ", variable $" + variable.path("name").asString("");
            if (!expr.isBlank()) {
                queries.add(query(source, expr, PromQlMetricNames::inVariableQuery));
            }
            String definition = variable.path("definition").asString("");
            if (!definition.isBlank() && !definition.equals(expr)) {
                queries.add(query(source + " (definition)", definition, PromQlMetricNames::inVariableQuery));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectRuleQueries(Path file, List<Query> queries, Set<String> recorded) {
        Map<String, Object> document;
        try (Reader reader = Files.newBufferedReader(file)) {
            document = new Yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = file.getFileName().toString();
        for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                Object alert = rule.get("alert");
                Object record = rule.get("record");
                if (record != null) {
                    recorded.add(record.toString());
                }
                String source = name + ", " + (alert != null ? "alert " + alert : "record " + record);
                queries.add(query(source, String.valueOf(rule.get("expr")), PromQlMetricNames::in));
            }
        }
    }

    private static Query query(String source, String expr, Function<String, Set<String>> names) {
        try {
            return new Query(source, expr, names.apply(expr));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
