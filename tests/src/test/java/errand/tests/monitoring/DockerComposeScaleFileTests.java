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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import errand.tests.support.BrokerDefinitions;
import errand.tests.support.PlatformApps;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.scale.yml}, the scaled-out variant (a 3-node RabbitMQ cluster, two API instances behind
 * nginx), cannot be started on the build machines (no Docker engine), so its shape is checked here as
 * {@link DockerComposeFileTests} checks the main file's: every service, that the nodes form one cluster and load the
 * same broker users, that every app knows every node, and that the proxy routes to both APIs without breaking
 * server-sent events or long-polls.
 */
class DockerComposeScaleFileTests {

    private static final Path ROOT = PlatformApps.repoRoot();
    private static final List<String> NODES = List.of("rabbitmq-1", "rabbitmq-2", "rabbitmq-3");
    private static final String ADDRESSES = "rabbitmq-1:5672,rabbitmq-2:5672,rabbitmq-3:5672";

    private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.scale.yml"));
    private final Map<String, Object> services = map(compose, "services");

    @Test
    void declaresAThreeNodeClusterTwoApisBehindAProxyAndTheRestOfThePlatform() {
        assertThat(services).containsOnlyKeys("rabbitmq-1", "rabbitmq-2", "rabbitmq-3", "postgres", "api-1", "api-2",
                "proxy", "worker", "prometheus", "grafana");
    }

    @Test
    void theThreeNodesShareTheCookieAndTheClusterConfigListingEachOther() throws IOException {
        List<Object> cookies = new ArrayList<>();
        for (String node : NODES) {
            Map<String, Object> service = map(services, node);
            assertThat(service.get("image")).as(node).isEqualTo("rabbitmq:4-management");
            assertThat(service.get("hostname")).as("%s's node name is rabbit@%s", node, node).isEqualTo(node);
            cookies.add(map(service, "environment").get("RABBITMQ_ERLANG_COOKIE"));
            assertThat(strings(service, "volumes")).as("volumes of %s", node)
                    .contains("./rabbitmq/cluster.conf:/etc/rabbitmq/conf.d/20-errand-cluster.conf:ro")
                    .contains("./rabbitmq/definitions.json:/etc/rabbitmq/definitions.json:ro")
                    .contains(node + "-data:/var/lib/rabbitmq");
            assertThat(healthCheck(service)).as(node).contains("rabbitmq-diagnostics");
            assertThat(list(service, "configs")).anySatisfy(config -> {
                assertThat(config.get("source")).isEqualTo("rabbitmq_enabled_plugins");
                assertThat(config.get("target")).isEqualTo("/etc/rabbitmq/enabled_plugins");
            });
        }
        assertThat(cookies).doesNotContainNull().containsOnly(cookies.getFirst());
        assertThat(map(compose, "volumes")).containsKeys("rabbitmq-1-data", "rabbitmq-2-data", "rabbitmq-3-data");

        Map<String, String> cluster = rabbitConf(ROOT.resolve("rabbitmq/cluster.conf"));
        assertThat(cluster).containsEntry("cluster_formation.peer_discovery_backend", "classic_config")
                .containsEntry("cluster_formation.classic_config.nodes.1", "rabbit@rabbitmq-1")
                .containsEntry("cluster_formation.classic_config.nodes.2", "rabbit@rabbitmq-2")
                .containsEntry("cluster_formation.classic_config.nodes.3", "rabbit@rabbitmq-3")
                .containsEntry("quorum_queue.continuous_membership_reconciliation.target_group_size", "3");
    }

    @Test
    void everyNodeLoadsTheSameBrokerUsersAsTheSingleNode() {
        Map<String, String> cluster = rabbitConf(ROOT.resolve("rabbitmq/cluster.conf"));
        assertThat(cluster).containsEntry("definitions.import_backend", "local_filesystem")
                .containsEntry("definitions.local.path", "/etc/rabbitmq/definitions.json");
        assertThat(BrokerDefinitions.load().user(BrokerDefinitions.API_USER).isMissingNode()).isFalse();
        assertThat(BrokerDefinitions.load().user(BrokerDefinitions.WORKER_USER).isMissingNode()).isFalse();
    }

    @Test
    void bothApisAndTheWorkersKnowEveryNodeAndLogInAsTheirOwnUsers() {
        for (String api : List.of("api-1", "api-2")) {
            Map<String, Object> service = map(services, api);
            assertBuiltFrom(service, "producer-api");
            assertThat(service).as("%s is reached through the proxy", api).doesNotContainKey("ports");
            assertThat(map(service, "environment")).as(api)
                    .containsEntry("SPRING_RABBITMQ_ADDRESSES", ADDRESSES)
                    .containsEntry("SPRING_RABBITMQ_USERNAME", BrokerDefinitions.API_USER)
                    .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/errand")
                    .containsEntry("ERRAND_API_SECURITY_BOOTSTRAP_KEY",
                            "${ERRAND_BOOTSTRAP_KEY:-" + PlatformApps.BOOTSTRAP_KEY + "}");
            assertThat(dependsOn(service)).as(api).containsKeys("rabbitmq-1", "rabbitmq-2", "rabbitmq-3", "postgres");
            assertThat(healthCheck(service)).contains("localhost:8080/actuator/health/readiness");
        }
        Map<String, Object> worker = map(services, "worker");
        assertBuiltFrom(worker, "worker-service");
        assertThat(map(worker, "deploy")).containsEntry("replicas", 2);
        assertThat(map(worker, "environment")).containsEntry("SPRING_RABBITMQ_ADDRESSES", ADDRESSES)
                .containsEntry("SPRING_RABBITMQ_USERNAME", BrokerDefinitions.WORKER_USER);
        assertThat(map(worker, "environment").keySet()).noneMatch(key -> key.contains("DATASOURCE"));
    }

    @Test
    void theProxyRoutesToBothApisWithoutBufferingEventsOrCuttingLongPolls() throws IOException {
        Map<String, Object> proxy = map(services, "proxy");
        assertThat(String.valueOf(proxy.get("image"))).startsWith("nginx:");
        assertThat(ports(proxy)).containsExactly("8080:8080");
        assertThat(strings(proxy, "volumes")).contains("./proxy/nginx.conf:/etc/nginx/nginx.conf:ro");
        assertThat(dependsOn(proxy)).containsEntry("api-1", "service_healthy")
                .containsEntry("api-2", "service_healthy");

        String nginx = Files.readString(ROOT.resolve("proxy/nginx.conf"));
        assertThat(nginx).contains("server api-1:8080").contains("server api-2:8080")
                .contains("listen 8080;")
                .contains("proxy_pass http://errand_api;")
                // server-sent events reach the client as written, over HTTP/1.1 without a Connection: close
                .contains("proxy_buffering off;")
                .contains("proxy_http_version 1.1;")
                .contains("proxy_set_header Connection \"\";");
        // a long-poll may wait up to a minute: nginx's default read timeout (60 s) would cut it at the edge
        assertThat(seconds(nginx, "proxy_read_timeout")).isGreaterThanOrEqualTo(120);
        // a submission is not replayed on the other instance behind the client's back
        assertThat(nginx).doesNotContain("non_idempotent");
    }

    @Test
    void prometheusScrapesBothApisAndEveryNode() {
        List<String> volumes = strings(map(services, "prometheus"), "volumes");
        assertThat(volumes).contains("./prometheus/prometheus-scale.yml:/etc/prometheus/prometheus.yml:ro",
                "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        Map<String, Object> prometheus = yaml(ROOT.resolve("prometheus/prometheus-scale.yml"));
        assertThat(prometheus.get("rule_files")).isEqualTo(List.of("alerts.yml"));
        List<Map<String, Object>> jobs = list(prometheus, "scrape_configs");
        assertThat(staticTargets(jobNamed(jobs, "errand-api"))).containsExactlyInAnyOrder("api-1:8080", "api-2:8080");
        assertThat(staticTargets(jobNamed(jobs, "rabbitmq")))
                .containsExactlyInAnyOrder("rabbitmq-1:15692", "rabbitmq-2:15692", "rabbitmq-3:15692");
        assertThat(staticTargets(jobNamed(jobs, "rabbitmq-queues")))
                .containsExactlyInAnyOrder("rabbitmq-1:15692", "rabbitmq-2:15692", "rabbitmq-3:15692");
        assertThat(list(jobNamed(jobs, "errand-worker"), "dns_sd_configs")).singleElement()
                .satisfies(dns -> assertThat(dns.get("names")).isEqualTo(List.of("worker")));
    }

    @Test
    void everyServiceHasAHealthCheckWaitsOnlyForHealthyServicesAndMountsFilesThatExist() {
        assertEveryServiceHasAHealthCheckAndWaitsOnlyForHealthyServices(services);
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> definition = (Map<String, Object>) service;
            for (Object volume : (List<?>) definition.getOrDefault("volumes", List.of())) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(ROOT.resolve(source)).as("%s mounts %s", name, source).exists();
                }
            }
        });
    }

    @Test
    void theReadmeGivesTheCommandThatStartsIt() throws IOException {
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .contains("docker compose -f docker-compose.scale.yml up --build");
        assertThat(Files.readString(ROOT.resolve("docker-compose.scale.yml")))
                .contains("docker compose -f docker-compose.scale.yml up --build");
    }

    // ---- file access

    /** {@code key = value} lines of a {@code rabbitmq.conf}-style file, comments skipped. */
    private static Map<String, String> rabbitConf(Path file) {
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    int equals = trimmed.indexOf('=');
                    assertThat(equals).as("%s: %s is a key = value line", file, trimmed).isPositive();
                    settings.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + file, e);
        }
        return settings;
    }

    /** The value in seconds of an nginx directive written as {@code name <n>s;}. */
    private static int seconds(String nginx, String directive) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(directive + "\\s+(\\d+)s;").matcher(nginx);
        assertThat(matcher.find()).as("%s in proxy/nginx.conf", directive).isTrue();
        return Integer.parseInt(matcher.group(1));
    }










}
