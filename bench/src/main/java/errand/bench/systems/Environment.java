package errand.bench.systems;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import errand.bench.json.Json;
import tools.jackson.databind.JsonNode;

/** The machine and the versions of everything measured: environment.json. */
public record Environment(Machine machine, Map<String, Object> versions, String postgresqlSettings) {

    /** The machine the run is on. */
    public record Machine(int cores, double memoryGib, String cpu, String kernel, String os,
            List<String> loadAverageAtStart) {
    }

    public static Machine currentMachine() throws Exception {
        String meminfo = Files.readString(Path.of("/proc/meminfo"));
        long kib = Long.parseLong(meminfo.lines().filter(l -> l.startsWith("MemTotal:")).findFirst().orElse("0")
                .replaceAll("\\D", ""));
        String cpu = Files.readString(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        String os = Files.readString(Path.of("/etc/os-release")).lines().filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", "")).findFirst().orElse("?");
        List<String> load = Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3);
        return new Machine(Runtime.getRuntime().availableProcessors(), Math.round(kib / 1048576.0 * 10) / 10.0, cpu,
                System.getProperty("os.version"), os, load);
    }

    /** Everything that can be found; a missing tool is a missing line, not a failed run. */
    public static Environment record(String java, Path apiJar, Path perftestDir) throws Exception {
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("java", Processes.quietly(List.of(java, "-version")).lines().findFirst().orElse("?"));
        versions.put("errand", Processes.quietly(List.of("git", "describe", "--always", "--dirty")));
        if (Files.exists(apiJar)) {
            try (JarFile jar = new JarFile(apiJar.toFile())) {
                String boot = jar.getManifest().getMainAttributes().getValue("Spring-Boot-Version");
                versions.put("spring_boot", boot == null ? "?" : boot);
            }
        }
        try {
            JsonNode overview = Json.tree(Services.overview());
            versions.put("rabbitmq", overview.path("rabbitmq_version").asString("?"));
            versions.put("erlang", overview.path("erlang_version").asString("?"));
        } catch (Exception e) {
            versions.put("rabbitmq", "?");
        }
        versions.put("postgresql", Services.postgresQuery("show server_version"));
        String settings = Services.postgresQuery("select string_agg(name || '=' || setting, ', ' order by name)"
                + " from pg_settings where name in ('synchronous_commit', 'fsync', 'wal_sync_method',"
                + " 'shared_buffers', 'max_connections', 'autovacuum')");
        if (Files.isDirectory(perftestDir)) {
            try (var files = Files.list(perftestDir)) {
                for (Path jar : files.toList()) {
                    String name = jar.getFileName().toString();
                    if (name.matches("perf-test-\\d.*\\.jar")) {
                        versions.put("perftest", name.replaceAll("^perf-test-(.*)\\.jar$", "$1"));
                    } else if (name.matches("amqp-client-\\d.*\\.jar")) {
                        versions.put("perftest_amqp_client", name.replaceAll("^amqp-client-(.*)\\.jar$", "$1"));
                    }
                }
            }
        }
        String python = Processes.quietly(List.of(CelerySystem.PYTHON, "bench/scripts/python_versions.py"));
        if (python.startsWith("{")) {
            Json.object(python).forEach(versions::put);
        }
        return new Environment(currentMachine(), versions, settings);
    }
}
