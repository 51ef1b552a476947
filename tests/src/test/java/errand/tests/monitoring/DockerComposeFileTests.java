package errand.tests.monitoring;

import static errand.tests.support.ComposeYaml.assertBuiltFrom;
import static errand.tests.support.ComposeYaml.assertEveryServiceHasAHealthCheckAndWaitsOnlyForHealthyServices;
import static errand.tests.support.ComposeYaml.dependsOn;
import static errand.tests.support.ComposeYaml.healthCheck;
import static errand.tests.support.ComposeYaml.jobNamed;
import static errand.tests.support.ComposeYaml.list;
import static errand.tests.support.ComposeYaml.map;
import static errand.tests.support.ComposeYaml.ports;
import static errand.tests.support.ComposeYaml.staticTargets;
import static errand.tests.support.ComposeYaml.strings;
import static errand.tests.support.ComposeYaml.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import errand.model.WireJson;
import errand.tests.support.BrokerDefinitions;
import errand.tests.support.PlatformApps;
import errand.testsupport.BrokerPermissions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code docker-compose.yml} cannot be started on the build machines (no Docker engine), so its shape is checked
 * here: every service, port, health check and start order, every file it builds from or mounts, and the broker users
 * of the API and the workers ({@code rabbitmq/definitions.json}).
 */
class DockerComposeFileTests {

    private static final Path ROOT = PlatformApps.repoRoot();

    private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Object> services = map(compose, "services");

    @Test
    void declaresTheWholePlatform() {
        assertThat(services).containsOnlyKeys("rabbitmq", "postgres", "api", "worker", "prometheus", "grafana");
    }

    @Test
    void runsRabbitMq4WithManagementAndPrometheusPlugins() {
        Map<String, Object> rabbitmq = map(services, "rabbitmq");
        assertThat(rabbitmq.get("image")).isEqualTo("rabbitmq:4-management");
        assertThat(ports(rabbitmq)).contains("5672:5672", "15672:15672", "15692:15692");
        Map<String, Object> pluginsConfig = map(map(compose, "configs"), "rabbitmq_enabled_plugins");
        assertThat((String) pluginsConfig.get("content")).contains("rabbitmq_management", "rabbitmq_prometheus");
        List<Map<String, Object>> configs = list(rabbitmq, "configs");
        assertThat(configs).anySatisfy(config -> {
            assertThat(config.get("source")).isEqualTo("rabbitmq_enabled_plugins");
            assertThat(config.get("target")).isEqualTo("/etc/rabbitmq/enabled_plugins");
        });
        assertThat(healthCheck(rabbitmq)).contains("rabbitmq-diagnostics");
    }

    @Test
    void runsPostgres17WithTheErrandDatabase() {
        Map<String, Object> postgres = map(services, "postgres");
        assertThat(postgres.get("image")).isEqualTo("postgres:17");
        assertThat(map(postgres, "environment")).containsEntry("POSTGRES_DB", "errand");
        assertThat(ports(postgres)).contains("5432:5432");
        assertThat(healthCheck(postgres)).contains("pg_isready");
    }

    @Test
    void buildsTheApiFromItsDockerfileAndStartsItAfterBrokerAndDatabase() {
        Map<String, Object> api = map(services, "api");
        assertBuiltFrom(api, "producer-api");
        assertThat(ports(api)).contains("8080:8080");
        assertThat(map(api, "environment"))
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/errand")
                .containsEntry("SPRING_RABBITMQ_HOST", "rabbitmq");
        assertThat(dependsOn(api)).containsEntry("rabbitmq", "service_healthy")
                .containsEntry("postgres", "service_healthy");
        assertThat(healthCheck(api)).contains("localhost:8080/actuator/health/readiness");
    }

    @Test
    void startsTheApiWithTheDevelopmentKeyTheReadmeAndTheTestsUse() throws IOException {
        String key = (String) map(map(services, "api"), "environment").get("ERRAND_API_SECURITY_BOOTSTRAP_KEY");

        assertThat(key).isEqualTo("${ERRAND_BOOTSTRAP_KEY:-" + PlatformApps.BOOTSTRAP_KEY + "}");
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .contains("AUTH='Authorization: Bearer " + PlatformApps.BOOTSTRAP_KEY + "'")
                .contains("ERRAND_BOOTSTRAP_KEY=");
    }

    @Test
    void runsTwoWorkerReplicasWithoutPublishedPorts() {
        Map<String, Object> worker = map(services, "worker");
        assertBuiltFrom(worker, "worker-service");
        assertThat(map(worker, "deploy")).containsEntry("replicas", 2);
        assertThat(worker).as("replicas cannot share a host port").doesNotContainKey("ports");
        assertThat(map(worker, "environment")).containsEntry("SPRING_RABBITMQ_HOST", "rabbitmq")
                .containsEntry("SERVER_PORT", "8081");
        assertThat(dependsOn(worker)).containsEntry("rabbitmq", "service_healthy");
        assertThat(healthCheck(worker)).contains("localhost:8081/actuator/health/readiness");
    }

    @Test
    void loadsTheBrokerUsersFromTheDefinitionsFile() {
        Map<String, Object> rabbitmq = map(services, "rabbitmq");
        assertThat(strings(rabbitmq, "volumes"))
                .contains("./rabbitmq/definitions.json:/etc/rabbitmq/definitions.json:ro");
        assertThat(list(rabbitmq, "configs")).anySatisfy(config -> {
            assertThat(config.get("source")).isEqualTo("rabbitmq_definitions_conf");
            assertThat((String) config.get("target")).startsWith("/etc/rabbitmq/conf.d/").endsWith(".conf");
        });
        assertThat((String) map(map(compose, "configs"), "rabbitmq_definitions_conf").get("content"))
                .contains("definitions.import_backend = local_filesystem")
                .contains("definitions.local.path = /etc/rabbitmq/definitions.json");
        // a node that loads definitions at boot creates neither the default vhost nor the default user
        assertThat(BrokerDefinitions.load().json().path("vhosts").toString()).contains("\"name\":\"/\"");
    }

    @Test
    void theApiAndTheWorkersLogInAsSeparateBrokerUsersWithTheirDefinedPasswords() throws Exception {
        Map<String, Object> api = map(map(services, "api"), "environment");
        Map<String, Object> worker = map(map(services, "worker"), "environment");
        assertThat(api).containsEntry("SPRING_RABBITMQ_USERNAME", BrokerDefinitions.API_USER);
        assertThat(worker).containsEntry("SPRING_RABBITMQ_USERNAME", BrokerDefinitions.WORKER_USER);

        BrokerDefinitions definitions = BrokerDefinitions.load();
        for (Map<String, Object> app : List.of(api, worker)) {
            String user = String.valueOf(app.get("SPRING_RABBITMQ_USERNAME"));
            JsonNode defined = definitions.user(user);
            assertThat(defined.path("hashing_algorithm").asString()).isEqualTo("rabbit_password_hashing_sha256");
            assertThat(defined.path("tags").isEmpty()).as("%s has no management tags", user).isTrue();
            assertThat(matchesSha256Hash(String.valueOf(app.get("SPRING_RABBITMQ_PASSWORD")),
                    defined.path("password_hash").asString()))
                    .as("the password of %s in docker-compose.yml matches its hash in definitions.json", user)
                    .isTrue();
        }
    }

    @Test
    void theWorkersHaveNoDatabaseSettings() {
        Map<String, Object> worker = map(services, "worker");
        assertThat(map(worker, "environment").keySet())
                .noneMatch(key -> key.contains("DATASOURCE") || key.contains("JDBC") || key.contains("POSTGRES")
                        || key.contains("FLYWAY"));
        assertThat(dependsOn(worker)).doesNotContainKey("postgres");
        assertThat(map(map(services, "api"), "environment")).containsKey("SPRING_DATASOURCE_URL");
    }

    /**
     * A static look at the worker's permissions (RabbitMQ matches them unanchored, as {@link Matcher#find()} does);
     * {@code RestrictedBrokerUsersEndToEndTests} shows the broker refusing.
     */
    @Test
    void theWorkersUserMayNeitherPublishJobsNorReadResults() {
        BrokerPermissions worker = BrokerDefinitions.load().permissionsOf(BrokerDefinitions.WORKER_USER);

        assertThat(matches(worker.write(), "errand.jobs")).isFalse();
        assertThat(matches(worker.write(), "amq.default")).isFalse();
        assertThat(matches(worker.read(), "errand.results")).isFalse();
        assertThat(matches(worker.read(), "errand.dead")).isFalse();
        assertThat(matches(worker.read(), "errand.dead.notices")).isFalse();
        assertThat(matches(worker.configure(), "errand.retry.1s")).as("tier queues are the API's").isFalse();
        assertThat(matches(worker.write(), "errand.retry")).as("retries are published").isTrue();
        assertThat(matches(worker.read(), "errand.jobs.echo")).as("job queues are consumed").isTrue();
        assertThat(matches(worker.read(), "errand.control.abc")).as("its control queue is consumed").isTrue();

        BrokerPermissions api = BrokerDefinitions.load().permissionsOf(BrokerDefinitions.API_USER);
        assertThat(matches(api.write(), "errand.jobs")).isTrue();
        assertThat(matches(api.read(), "errand.results")).isTrue();
        assertThat(matches(api.write(), "amq.default")).isFalse();
        assertThat(matches(api.write(), "errand.retry")).as("the API publishes no retries").isFalse();
    }

    @Test
    void architectureDocumentsTheDefinedPermissions() throws IOException {
        String architecture = Files.readString(ROOT.resolve("docs/architecture.md"));
        BrokerDefinitions definitions = BrokerDefinitions.load();
        for (String user : List.of(BrokerDefinitions.API_USER, BrokerDefinitions.WORKER_USER)) {
            BrokerPermissions permissions = definitions.permissionsOf(user);
            assertThat(architecture).as("the Least privilege table row of %s", user).contains("| `" + user + "` | `"
                    + String.join("` | `", List.of(permissions.configure(), permissions.write(), permissions.read())
                            .stream().map(regex -> regex.replace("|", "\\|")).toList()) + "` |");
        }
    }

    @Test
    void startsMonitoringAfterWhatItWatches() {
        Map<String, Object> prometheus = map(services, "prometheus");
        assertThat(ports(prometheus)).contains("9090:9090");
        assertThat(dependsOn(prometheus)).containsEntry("api", "service_healthy")
                .containsEntry("worker", "service_healthy").containsEntry("rabbitmq", "service_healthy");
        assertThat(healthCheck(prometheus)).contains("/-/ready");

        Map<String, Object> grafana = map(services, "grafana");
        assertThat(ports(grafana)).contains("3000:3000");
        assertThat(dependsOn(grafana)).containsEntry("prometheus", "service_healthy");
        assertThat(healthCheck(grafana)).contains("/api/health");
    }

    @Test
    void everyServiceHasAHealthCheckAndWaitsOnlyForHealthyServices() {
        assertEveryServiceHasAHealthCheckAndWaitsOnlyForHealthyServices(services);
    }

    @Test
    void mountsOnlyFilesThatExistInTheRepository() {
        List<String> mounted = new ArrayList<>();
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> definition = (Map<String, Object>) service;
            for (Object volume : (List<?>) definition.getOrDefault("volumes", List.of())) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith("./")) {
                    mounted.add(source);
                    assertThat(ROOT.resolve(source)).as("%s mounts %s", name, source).exists();
                }
            }
        });
        assertThat(mounted).contains("./rabbitmq/definitions.json", "./prometheus/prometheus.yml",
                "./grafana/provisioning/datasources",
                "./grafana/provisioning/dashboards", "./grafana/dashboards");
    }

    @Test
    void prometheusScrapesTheApiEveryWorkerReplicaAndTheBroker() {
        Map<String, Object> prometheus = yaml(ROOT.resolve("prometheus/prometheus.yml"));
        List<Map<String, Object>> jobs = list(prometheus, "scrape_configs");

        Map<String, Object> api = jobNamed(jobs, "errand-api");
        assertThat(api.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(staticTargets(api)).containsExactly("api:8080");

        Map<String, Object> worker = jobNamed(jobs, "errand-worker");
        assertThat(worker.get("metrics_path")).isEqualTo("/actuator/prometheus");
        List<Map<String, Object>> discovery = list(worker, "dns_sd_configs");
        assertThat(discovery).singleElement().satisfies(dns -> {
            assertThat(dns.get("names")).isEqualTo(List.of("worker"));
            assertThat(dns.get("type")).isEqualTo("A");
            assertThat(dns.get("port")).isEqualTo(8081);
        });

        assertThat(staticTargets(jobNamed(jobs, "rabbitmq"))).containsExactly("rabbitmq:15692");
    }

    @Test
    void mountsEveryRuleFileBesidePrometheusConfig() {
        Map<String, Object> prometheus = yaml(ROOT.resolve("prometheus/prometheus.yml"));
        List<String> volumes = strings(map(services, "prometheus"), "volumes");
        assertThat(volumes).contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        Object ruleFiles = prometheus.getOrDefault("rule_files", List.of());
        for (Object ruleFile : (List<?>) ruleFiles) {
            assertThat(ROOT.resolve("prometheus").resolve(ruleFile.toString())).as("rule file %s", ruleFile)
                    .isRegularFile();
            assertThat(volumes).as("rule file %s mounted beside prometheus.yml", ruleFile)
                    .contains("./prometheus/" + ruleFile + ":/etc/prometheus/" + ruleFile + ":ro");
        }
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndTheDashboards() throws IOException {
        Map<String, Object> datasources = yaml(ROOT.resolve("grafana/provisioning/datasources/prometheus.yml"));
        assertThat(list(datasources, "datasources")).singleElement().satisfies(source -> {
            assertThat(source.get("type")).isEqualTo("prometheus");
            assertThat(source.get("url")).isEqualTo("http://prometheus:9090");
        });

        Map<String, Object> dashboards = yaml(ROOT.resolve("grafana/provisioning/dashboards/errand.yml"));
        Map<String, Object> provider = list(dashboards, "providers").getFirst();
        assertThat(map(provider, "options").get("path")).isEqualTo("/var/lib/grafana/dashboards");
        assertThat(strings(map(services, "grafana"), "volumes"))
                .contains("./grafana/dashboards:/var/lib/grafana/dashboards:ro");

        try (var files = Files.list(ROOT.resolve("grafana/dashboards"))) {
            List<Path> json = files.filter(file -> file.toString().endsWith(".json")).toList();
            assertThat(json).isNotEmpty();
            for (Path file : json) {
                assertThat(WireJson.mapper().readTree(Files.readString(file)).path("panels").isArray())
                        .as("%s is a dashboard", file).isTrue();
            }
        }
    }

    @Test
    void dockerfilesBuildWithTheWrapperAndRunOnAJre() throws IOException {
        for (String module : List.of("producer-api", "worker-service")) {
            String dockerfile = Files.readString(ROOT.resolve(module).resolve("Dockerfile"));
            assertThat(dockerfile)
                    .as("%s/Dockerfile", module)
                    .contains("FROM eclipse-temurin:25-jdk AS build")
                    .contains("./mvnw -B -pl " + module + " -am package -DskipTests")
                    .contains("FROM eclipse-temurin:25-jre")
                    .contains("HEALTHCHECK")
                    .contains("ENTRYPOINT");
            for (String line : dockerfile.lines().toList()) {
                if (line.startsWith("COPY ") && !line.contains("--from=")) {
                    String source = line.substring(5).trim().split("\\s+")[0];
                    assertThat(ROOT.resolve(source)).as("%s copies %s", module, source).exists();
                }
            }
        }
    }

    @Test
    void theApiImageCompilesWithC1OnlyFromItsTrainingRunOnAndTheWorkerImageTiered() throws IOException {
        String api = Files.readString(ROOT.resolve("producer-api/Dockerfile"));
        assertThat(api).contains("ENV ERRAND_JIT=c1");
        assertThat(api.indexOf("ENV ERRAND_JIT=c1")).as("set before the AOT cache's training run")
                .isLessThan(api.indexOf("errand-java --prepare"));
        assertThat(Files.readString(ROOT.resolve("worker-service/Dockerfile"))).doesNotContain("ERRAND_JIT");
    }

    // ---- YAML access

    private static boolean matches(String permission, String name) {
        return Pattern.compile(permission).matcher(name).find();
    }

    /** RabbitMQ's {@code rabbit_password_hashing_sha256}: base64 of a 4-byte salt and SHA-256(salt + password). */
    private static boolean matchesSha256Hash(String password, String hash) throws Exception {
        byte[] decoded = Base64.getDecoder().decode(hash);
        byte[] salt = Arrays.copyOf(decoded, 4);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(salt);
        byte[] digest = sha256.digest(password.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(digest, Arrays.copyOfRange(decoded, 4, decoded.length));
    }










}
