package errand.tests.failure;

import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.model.JobStatus;
import errand.model.Topology;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRequest;
import errand.tests.support.JobStream;
import errand.tests.support.RabbitCluster;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Errand, unchanged, on a 3-node RabbitMQ cluster of the test's own ({@link RabbitCluster}: extra nodes of the
 * installed server, never the shared one): the API and 2 workers take every node in {@code spring.rabbitmq.addresses};
 * every queue is a quorum queue replicated on the 3 nodes. While jobs stream in at a steady pace, the node that leads
 * the job queues is killed with {@code kill -9}, restarted, and once it is back a second node is killed and
 * restarted. Every accepted job ends with exactly one recorded outcome; re-executions (at-least-once) and the time
 * from each kill to the first job submitted after it succeeding are reported, not asserted.
 */
class BrokerClusterFailoverFailureTests {

    private static final System.Logger LOG = System.getLogger(BrokerClusterFailoverFailureTests.class.getName());
    /**
     * At most: the stream starts {@link #BEFORE_FIRST_KILL} jobs before the first kill and stops
     * {@link #AFTER_LAST_RESTART} jobs after the second node is back, so both kills hit it mid-stream.
     */
    private static final int JOBS = 3_000;
    private static final int BEFORE_FIRST_KILL = 60;
    private static final int AFTER_LAST_RESTART = 50;
    private static final Duration PACE = Duration.ofMillis(100);

    @RegisterExtension
    @Order(1)
    static final RabbitCluster cluster = RabbitCluster.ofNodes(3);

    @RegisterExtension
    @Order(2)
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            .workerArguments("--errand.worker.concurrency.sleep=4", "--errand.worker.concurrency.echo=4")
            .onCluster(cluster);

    private final ErrandClient api = platform.api();

    /**
     * One kill: which node, which queues it led, how long until a job submitted after the kill succeeded, how many
     * jobs were accepted before it, and how long the node took to be back (restarted, every queue member online).
     */
    private record Kill(String node, String led, Duration recovered, int acceptedBefore, Duration back) {
    }

    @Test
    void recordsExactlyOneOutcomePerJobWhenTheJobQueueLeaderAndThenASecondNodeAreKilledMidStream() {
        assertEveryQueueReplicatedOnEveryNode();
        Map<Integer, JobRequest> requests = new HashMap<>();
        for (int i = 0; i < JOBS; i++) {
            requests.put(i, job(i));
        }
        List<Kill> kills = new ArrayList<>();
        Instant started = Instant.now();
        try (JobStream stream = JobStream.paced(api, "cluster", JOBS, 4, PACE, requests::get,
                Duration.ofMillis(200), ofMinutes(3))) {
            await("the stream under way").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.acceptedCount() >= BEFORE_FIRST_KILL);

            RabbitCluster.Node first = jobQueueLeader();
            kills.add(killMeasureAndRestart(first, stream));

            RabbitCluster.Node leader = jobQueueLeader();
            // leadership does not move back to a restarted node by itself; if it did, kill another node anyway
            RabbitCluster.Node second = leader != first ? leader
                    : cluster.nodes().stream().filter(node -> node != first).findFirst().orElseThrow();
            kills.add(killMeasureAndRestart(second, stream));

            int acceptedWhenBack = stream.acceptedCount();
            await("more jobs accepted after the second node is back").atMost(ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.acceptedCount() >= acceptedWhenBack + AFTER_LAST_RESTART);
            stream.stopSubmitting();
            stream.awaitDone(ofMinutes(5));
            LOG.log(System.Logger.Level.INFO, "{0}; stream took {1} s", stream.summary(),
                    Duration.between(started, Instant.now()).toSeconds());
            assertThat(stream.oddities()).as("odd answers").isEmpty();
            assertThat(stream.givenUp()).as("submissions never accepted").isEmpty();

            Map<UUID, JsonNode> expected = new HashMap<>();
            stream.acceptedByIndex().forEach((i, id) -> expected.put(id, expectedResult(requests.get(i))));
            Duration slowest = kills.stream().map(Kill::recovered).max(Duration::compareTo).orElseThrow();
            FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, expected.keySet(), ofMinutes(3))
                    .report(getClass(), "3-node cluster: `kill -9` of the job queues' leader, then of a second node",
                            "recordsExactlyOneOutcomePerJobWhenTheJobQueueLeaderAndThenASecondNodeAreKilledMidStream",
                            stream.started(), slowest);
            logTable(verdict, kills);

            verdict.assertEverySucceeded(expected::get);
            assertThat(kills.get(0).node()).as("the second kill hits another node")
                    .isNotEqualTo(kills.get(1).node());
        }
    }

    // ---- the cluster

    private static void assertEveryQueueReplicatedOnEveryNode() {
        Map<String, String> members = cluster.queueMembers();
        assertThat(members).as("quorum queues on the cluster").containsKeys(Topology.jobQueue("echo"),
                Topology.jobQueue("sleep"), Topology.RESULTS_QUEUE, Topology.DEAD_QUEUE);
        LOG.log(System.Logger.Level.INFO, "quorum queues (members, online): {0}", members);
        members.forEach((queue, nodes) -> assertThat(cluster.nodes())
                .as("members of %s: %s", queue, nodes)
                .allMatch(node -> nodes.split(node.name(), -1).length - 1 == 2));
    }

    /** Waits until every member of every quorum queue is online again (the restarted node's members rejoined). */
    private static void awaitEveryMemberOnline() {
        await("every quorum queue member online").atMost(ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> cluster.queueMembers().values().stream().allMatch(nodes -> cluster.nodes().stream()
                        .allMatch(node -> nodes.split(node.name(), -1).length - 1 == 2)));
    }

    /** The node that leads the queue of the type most of the stream's jobs have. */
    private static RabbitCluster.Node jobQueueLeader() {
        Map<String, String> leaders = cluster.queueLeaders();
        LOG.log(System.Logger.Level.INFO, "quorum queue leaders: {0}", leaders);
        String leader = leaders.get(Topology.jobQueue("echo"));
        assertThat(leader).as("leader of %s", Topology.jobQueue("echo")).isNotNull();
        return cluster.byName(leader);
    }

    /**
     * Kills {@code node}, measures how long it took from the kill until a job submitted right after it succeeded
     * (a new leader elected, the apps reconnected, the job published, run and its outcome recorded), then restarts the
     * node and waits until it is back.
     */
    private Kill killMeasureAndRestart(RabbitCluster.Node node, JobStream stream) {
        List<String> queues = cluster.queueLeaders().entrySet().stream()
                .filter(leader -> leader.getValue().equals(node.name())).map(Map.Entry::getKey).toList();
        String led = String.join(", ", queues.stream().filter(queue -> queue.startsWith(Topology.JOBS_EXCHANGE + "."))
                .sorted().toList()) + " and " + queues.stream()
                .filter(queue -> !queue.startsWith(Topology.JOBS_EXCHANGE + ".")).count() + " other queues";
        int acceptedBefore = stream.acceptedCount();
        Instant killedAt = Instant.now();
        cluster.kill(node);
        UUID probe = UUID.fromString(api.accept(JobRequest.of("echo", json("{\"probe\":\"" + node.name()
                + "\"}"))).path("id").asString());
        api.awaitStatus(probe, JobStatus.SUCCEEDED, ofSeconds(120));
        Duration recovered = Duration.between(killedAt, Instant.now());
        LOG.log(System.Logger.Level.INFO, "killed {0} (leader of {1}) with {2} jobs accepted; a job submitted after "
                + "the kill succeeded {3} ms later", node, led, acceptedBefore, recovered.toMillis());
        Instant restarting = Instant.now();
        cluster.restart(node);
        awaitEveryMemberOnline();
        Duration back = Duration.between(restarting, Instant.now());
        LOG.log(System.Logger.Level.INFO, "{0} back in {1} ms", node, back.toMillis());
        return new Kill(node.name(), led, recovered, acceptedBefore, back);
    }

    private static void logTable(FaultVerdict verdict, List<Kill> kills) {
        StringBuilder table = new StringBuilder("\n| kill | node | leader of | jobs accepted before | kill to next "
                + "job succeeded | restart to every member online |\n|---|---|---|---|---|---|\n");
        for (int i = 0; i < kills.size(); i++) {
            Kill kill = kills.get(i);
            table.append("| %d | %s | %s | %d | %.1f s | %.1f s |%n".formatted(i + 1, kill.node(), kill.led(),
                    kill.acceptedBefore(), kill.recovered().toMillis() / 1000.0, kill.back().toMillis() / 1000.0));
        }
        table.append("\n| jobs accepted | succeeded | failed | lost | executed more than once | completed more than "
                + "once | without exactly one terminal record |\n|---|---|---|---|---|---|---|\n");
        table.append("| %d | %d | %d | %d | %d | %d | %d |".formatted(verdict.acceptedCount(),
                verdict.count("SUCCEEDED"), verdict.count("FAILED"), verdict.lost().size(),
                verdict.executedTwice().size(), verdict.completedTwice().size(),
                verdict.withoutExactlyOneTerminalRecord().size()));
        LOG.log(System.Logger.Level.INFO, "CLUSTER FAILOVER REPORT{0}", table);
    }

    // ---- jobs

    /** Every fifth job sleeps 300 to 900 ms, so a kill finds some running; the rest echo. */
    private static JobRequest job(int i) {
        if (i % 5 == 0) {
            return JobRequest.of("sleep", json("{\"millis\":%d}".formatted(300 + (i % 4) * 200)));
        }
        return JobRequest.of("echo", json("{\"n\":%d,\"marker\":\"cluster\"}".formatted(i)));
    }

    private static JsonNode expectedResult(JobRequest request) {
        return request.type().equals("sleep")
                ? json("{\"sleptMillis\":%d}".formatted(request.payload().path("millis").asLong()))
                : request.payload();
    }
}
