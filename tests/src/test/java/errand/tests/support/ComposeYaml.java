package errand.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/**
 * Reading {@code docker-compose*.yml} and the Prometheus configuration as YAML, for the tests that check the files'
 * shape (no Docker engine runs on the build machines).
 */
public final class ComposeYaml {

    private ComposeYaml() {
    }

    public static void assertBuiltFrom(Map<String, Object> service, String module) {
        Map<String, Object> build = map(service, "build");
        assertThat(build.get("context")).isEqualTo(".");
        assertThat(build.get("dockerfile")).isEqualTo(module + "/Dockerfile");
        assertThat(PlatformApps.repoRoot().resolve(module + "/Dockerfile")).isRegularFile();
    }

    public static String healthCheck(Map<String, Object> service) {
        Object healthCheck = service.get("healthcheck");
        if (!(healthCheck instanceof Map<?, ?> check)) {
            return "";
        }
        Object test = check.get("test");
        return test instanceof List<?> parts ? String.join(" ", parts.stream().map(String::valueOf).toList())
                : String.valueOf(test);
    }

    public static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> conditions = new java.util.LinkedHashMap<>();
        Object dependsOn = service.get("depends_on");
        if (dependsOn instanceof Map<?, ?> entries) {
            entries.forEach((name, value) -> conditions.put(String.valueOf(name),
                    String.valueOf(((Map<?, ?>) value).get("condition"))));
        } else if (dependsOn instanceof List<?> names) {
            names.forEach(name -> conditions.put(String.valueOf(name), "service_started"));
        }
        return conditions;
    }

    public static List<String> ports(Map<String, Object> service) {
        return ((List<?>) service.getOrDefault("ports", List.of())).stream().map(String::valueOf).toList();
    }

    public static Map<String, Object> jobNamed(List<Map<String, Object>> jobs, String name) {
        return jobs.stream().filter(job -> name.equals(job.get("job_name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no scrape job " + name + " in " + jobs));
    }

    public static List<Object> staticTargets(Map<String, Object> job) {
        List<Object> targets = new ArrayList<>();
        list(job, "static_configs").forEach(config -> targets.addAll((List<?>) config.get("targets")));
        return targets;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (value != null && !(value instanceof Map)) {
            throw new AssertionError(key + " is not a mapping: " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return (List<Map<String, Object>>) value;
    }

    public static List<String> strings(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    public static Map<String, Object> yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> document = new Yaml().load(reader);
            assertThat(document).as("%s", file).isNotNull();
            return document;
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + file, e);
        }
    }

    /** Every service has a health check, and waits only for declared services to be healthy. */
    public static void assertEveryServiceHasAHealthCheckAndWaitsOnlyForHealthyServices(Map<String, Object> services) {
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> definition = (Map<String, Object>) service;
            assertThat(healthCheck(definition)).as("health check of %s", name).isNotBlank();
            dependsOn(definition).forEach((dependency, condition) -> {
                assertThat(services).as("%s depends on a declared service", name).containsKey(dependency);
                assertThat(condition).as("%s waits for %s", name, dependency).isEqualTo("service_healthy");
            });
        });
    }
}
