package errand.tests.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import errand.testsupport.Rabbitmqctl;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A RabbitMQ cluster of its own for one test class: extra nodes of the installed server ({@code rabbitmq-server},
 * {@code rabbitmqctl}), never the shared node. Each node has its own name
 * ({@code errand-cluster-<tag>-c<n>@localhost}), its own AMQP and distribution ports (on 127.0.0.1), no plugins (so
 * no management or Prometheus listener), and its own configuration, data and log folders under one temporary folder.
 * They share the installed Erlang cookie: the Debian wrappers run both commands as the {@code rabbitmq} user, so the
 * CLI reaches these nodes as it reaches the shared one. Nodes 2 and 3 join node 1 ({@code stop_app},
 * {@code join_cluster}, {@code start_app}).
 *
 * <p>The nodes serve the default vhost {@code /} to {@code guest}: they are private to the test.
 *
 * <p>Register it as a static {@code @RegisterExtension} ordered before the platform that uses it. After the last
 * test every node is killed and the folder deleted, also when a test failed; a JVM that dies kills them in a shutdown
 * hook, and {@code .ci/run} kills any left over of its run (their environment names the node and the run).
 */
public final class RabbitCluster implements BeforeAllCallback, AfterAllCallback {

    private static final System.Logger LOG = System.getLogger(RabbitCluster.class.getName());
    /** Every node of every such cluster is named so; {@code .ci/run} looks for it. */
    public static final String NODE_PREFIX = "errand-cluster-";
    private static final String HOST = "127.0.0.1";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final int size;
    private final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    private final List<Node> nodes = new ArrayList<>();
    private @Nullable Path root;
    private final Thread killer = new Thread(this::killAll, "rabbit-cluster-killer");

    /** One node: its name, ports and folder. */
    public static final class Node {

        private final int number;
        private final String name;
        private final Path directory;
        private int amqpPort;
        private int distributionPort;

        private Node(int number, String name, Path directory) {
            this.number = number;
            this.name = name;
            this.directory = directory;
        }

        /** The Erlang node name, as {@code rabbitmqctl -n} takes it. */
        public String name() {
            return name;
        }

        public int number() {
            return number;
        }

        public int amqpPort() {
            return amqpPort;
        }

        @Override
        public String toString() {
            return name + " (amqp " + amqpPort + ")";
        }
    }

    private RabbitCluster(int size) {
        this.size = size;
    }

    /** A cluster of {@code size} nodes, started before the class's tests. */
    public static RabbitCluster ofNodes(int size) {
        return new RabbitCluster(size);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            start();
        } catch (RuntimeException | Error e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        killAll();
        deleteRoot();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or never added
        }
    }

    /** Starts every node and forms the cluster; logs how long that took. */
    public void start() {
        long started = System.nanoTime();
        try {
            root = Files.createTempDirectory(NODE_PREFIX + tag + "-");
            openToTheBrokerUser(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(killer);
        for (int i = 1; i <= size; i++) {
            Node node = new Node(i, NODE_PREFIX + tag + "-c" + i + "@localhost", root.resolve("c" + i));
            nodes.add(node);
            choosePorts(node);
            launch(node);
        }
        for (Node node : nodes) {
            try {
                awaitStarted(node);
            } catch (IllegalStateException e) {
                if (!Files.exists(node.directory.resolve("log").resolve("erl_crash.dump"))) {
                    throw e;
                }
                // most likely a port taken between the check and the bind: once more on other ports
                LOG.log(System.Logger.Level.WARNING, "{0} crashed at start, retrying on other ports: {1}", node,
                        e.getMessage());
                deleteTree(node.directory);
                choosePorts(node);
                launch(node);
                awaitStarted(node);
            }
        }
        Node first = nodes.getFirst();
        for (Node node : nodes.subList(1, nodes.size())) {
            ctl(node, "stop_app");
            ctl(node, "join_cluster", first.name());
            ctl(node, "start_app");
        }
        awaitAllRunning();
        LOG.log(System.Logger.Level.INFO, "RabbitMQ cluster {0} of {1} nodes up in {2} ms: {3}", tag, size,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), nodes);
    }

    // ---- what the tests use

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int number) {
        return nodes.get(number - 1);
    }

    /** {@code host:port,...} of every node, for {@code spring.rabbitmq.addresses}. */
    public String addresses() {
        return nodes.stream().map(node -> HOST + ":" + node.amqpPort).collect(Collectors.joining(","));
    }

    public String user() {
        return "guest";
    }

    public String password() {
        return "guest";
    }

    public String vhost() {
        return "/";
    }

    /** {@code kill -9} of the node's Erlang VM: no goodbye to its peers or clients. */
    public void kill(Node node) {
        long pid = pid(node);
        ProcessHandle.of(pid).ifPresent(handle -> {
            handle.destroyForcibly();
            await(node.name + " dead").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !handle.isAlive());
        });
        LOG.log(System.Logger.Level.INFO, "killed {0} (pid {1})", node, pid);
    }

    /**
     * Starts a killed node again with the same name, ports and data, and waits until it runs and every running node
     * counts it in (its quorum queue members then catch up by themselves).
     */
    public void restart(Node node) {
        if (isAlive(node)) {
            throw new IllegalStateException(node + " is still running");
        }
        launch(node);
        awaitStarted(node);
        awaitAllRunning();
    }

    public boolean isAlive(Node node) {
        try {
            return ProcessHandle.of(pid(node)).map(ProcessHandle::isAlive).orElse(false);
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** A running node, to ask about the cluster. */
    public Node anyRunning() {
        return nodes.stream().filter(this::isAlive).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of " + tag + " runs"));
    }

    /** The node that leads each quorum queue of the default vhost, by queue name, as a running node sees it. */
    public Map<String, String> queueLeaders() {
        Map<String, String> leaders = new LinkedHashMap<>();
        for (String line : ctl(anyRunning(), "-q", "list_queues", "-p", vhost(), "--no-table-headers", "name",
                "type", "leader").lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 3 && fields[1].equals("quorum")) {
                leaders.put(fields[0], fields[2]);
            }
        }
        return leaders;
    }

    /** The members of each quorum queue of the default vhost, and which of them are online, as text per queue. */
    public Map<String, String> queueMembers() {
        Map<String, String> members = new LinkedHashMap<>();
        for (String line : ctl(anyRunning(), "-q", "list_queues", "-p", vhost(), "--no-table-headers", "name",
                "type", "members", "online").lines().toList()) {
            String[] fields = line.strip().split("\\s+", 3);
            if (fields.length == 3 && fields[1].equals("quorum")) {
                members.put(fields[0], fields[2]);
            }
        }
        return members;
    }

    public Node byName(String name) {
        return nodes.stream().filter(node -> node.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " is no node of " + tag));
    }

    // ---- nodes

    private void choosePorts(Node node) {
        node.amqpPort = freePort();
        do {
            node.distributionPort = freePort();
        } while (node.distributionPort == node.amqpPort);
    }

    /** A free port below the ephemeral range, so an outgoing connection does not take it before the node binds it. */
    private static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
                return socket.getLocalPort();
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port found for a RabbitMQ node");
    }

    private void launch(Node node) {
        try {
            Files.createDirectories(node.directory);
            openToTheBrokerUser(node.directory);
            Path config = node.directory.resolve("rabbitmq.conf");
            Files.writeString(config, "listeners.tcp.local = " + HOST + ":" + node.amqpPort + "\n"
                    + "loopback_users.guest = true\n", StandardCharsets.UTF_8);
            Files.writeString(node.directory.resolve("enabled_plugins"), "[].\n", StandardCharsets.UTF_8);
            Files.deleteIfExists(node.directory.resolve("pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(node, List.of(command("ERRAND_TEST_RABBITMQ_SERVER", "rabbitmq-server"), "-detached"));
    }

    private void awaitStarted(Node node) {
        try {
            await(node.name + " started").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (Files.exists(node.directory.resolve("log").resolve("erl_crash.dump"))) {
                            throw new IllegalStateException(node + " crashed at start: " + logTail(node));
                        }
                        return tryCtl(node, "-q", "await_startup", "--timeout", "5") == 0;
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(node + " did not start: " + logTail(node), e);
        }
    }

    private void awaitAllRunning() {
        await("every node of " + tag + " running in the cluster").atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> nodes.stream().filter(this::isAlive).allMatch(node -> {
                    String running = ctl(node, "-q", "eval", "rabbit_nodes:all_running().");
                    return nodes.stream().allMatch(each -> running.contains("'" + each.name + "'"));
                }));
    }

    private long pid(Node node) {
        try {
            return Long.parseLong(Files.readString(node.directory.resolve("pid")).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("no pid file for " + node, e);
        }
    }

    private void killAll() {
        for (Node node : nodes) {
            if (isAlive(node)) {
                ProcessHandle.of(pid(node)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private void deleteRoot() {
        if (root == null) {
            return;
        }
        // a killed node's children (erl_child_setup) may still write for a moment
        try {
            await("cluster folder deleted").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> {
                        deleteTree(root);
                        return !Files.exists(root);
                    });
        } catch (ConditionTimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete {0}", root);
        }
    }

    private static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logTail(Node node) {
        Path log = node.directory.resolve("log").resolve(node.name + ".log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + log + ")";
        }
    }

    // ---- commands

    /** Runs {@code rabbitmqctl -n <node> arguments...}; answers its output, throws if it fails. */
    public String ctl(Node node, String... arguments) {
        List<String> line = new ArrayList<>(List.of(command("ERRAND_TEST_RABBITMQCTL", "rabbitmqctl"), "-n",
                node.name));
        line.addAll(List.of(arguments));
        return run(node, line);
    }

    private int tryCtl(Node node, String... arguments) {
        try {
            ctl(node, arguments);
            return 0;
        } catch (IllegalStateException e) {
            return 1;
        }
    }

    private String run(Node node, List<String> line) {
        return Rabbitmqctl.run(line, environment(node), COMMAND_TIMEOUT);
    }

    /**
     * The node's own environment: the {@code RABBITMQ_} variables override {@code /etc/rabbitmq/rabbitmq-env.conf},
     * and the configuration file replaces {@code /etc/rabbitmq/rabbitmq.conf} (the shared node's listener).
     */
    private Map<String, String> environment(Node node) {
        Path directory = node.directory;
        Map<String, String> environment = new HashMap<>();
        environment.put("RABBITMQ_NODENAME", node.name);
        environment.put("RABBITMQ_NODE_IP_ADDRESS", HOST);
        environment.put("RABBITMQ_NODE_PORT", Integer.toString(node.amqpPort));
        environment.put("RABBITMQ_DIST_PORT", Integer.toString(node.distributionPort));
        environment.put("RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq.conf").toString());
        environment.put("RABBITMQ_ADVANCED_CONFIG_FILE", directory.resolve("advanced.config").toString());
        environment.put("RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString());
        environment.put("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString());
        environment.put("RABBITMQ_LOG_BASE", directory.resolve("log").toString());
        environment.put("RABBITMQ_PID_FILE", directory.resolve("pid").toString());
        environment.put("RABBITMQ_PLUGINS_EXPAND_DIR", directory.resolve("plugins-expand").toString());
        return environment;
    }

    private static String command(String variable, String fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The Debian wrappers run the node as the {@code rabbitmq} user: it must write its folders. */
    private static void openToTheBrokerUser(Path directory) throws IOException {
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the node runs as whoever starts it
        }
    }

    @Override
    public String toString() {
        return "RabbitMQ cluster " + tag + " " + nodes.stream().map(Node::name).toList();
    }
}
