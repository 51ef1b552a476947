package errand.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import errand.model.Topology;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;

class ErrandTopologyTests {

    private static final Queue OWN = new Queue("own-exclusive", false, true, true);

    @Test
    void apiDeclaresTheRetryTiersTheDeadNoticesAndItsHeartbeatQueue() {
        Declarables api = ErrandTopology.forApi(OWN);

        assertThat(exchanges(api)).containsExactlyInAnyOrder("errand.jobs", "errand.retry", "errand.dead",
                "errand.results", "errand.control", "errand.heartbeats");
        assertThat(queues(api)).contains("errand.dead", "errand.dead.notices", "errand.results", "own-exclusive")
                .contains(Topology.retryQueue(Topology.RETRY_TIERS.getFirst()))
                .hasSize(4 + Topology.RETRY_TIERS.size());
        assertThat(bindings(api)).contains("errand.dead->errand.dead", "errand.dead.notices->errand.dead",
                "errand.results->errand.results", "own-exclusive->errand.heartbeats")
                .hasSize(4 + Topology.RETRY_TIERS.size());
        assertThat(queues(ErrandTopology.sharedTopology())).doesNotContain("own-exclusive")
                .hasSize(3 + Topology.RETRY_TIERS.size());
        assertThat(api.getDeclarablesByType(Exchange.class)).as("each exchange once").hasSize(6);
    }

    @Test
    void workerDeclaresItsJobQueuesAndItsControlQueueAndBindsNothingItMayNotRead() {
        Declarables worker = ErrandTopology.forWorker(List.of("echo"), OWN);

        assertThat(exchanges(worker)).containsExactlyInAnyOrder("errand.jobs", "errand.retry", "errand.dead",
                "errand.results", "errand.control", "errand.heartbeats");
        assertThat(queues(worker)).containsExactlyInAnyOrder("errand.jobs.echo", "own-exclusive");
        assertThat(bindings(worker)).containsExactlyInAnyOrder("errand.jobs.echo->errand.jobs",
                "own-exclusive->errand.control");
    }

    @Test
    void namesTheOwnQueuesOfWorkersAndApiInstancesByTheirExchange() {
        assertThat(ErrandTopology.controlQueue().getName()).startsWith("errand.control.")
                .isNotEqualTo(ErrandTopology.controlQueue().getName());
        assertThat(ErrandTopology.controlQueue().isExclusive()).isTrue();
        assertThat(ErrandTopology.heartbeatQueue().getName()).startsWith("errand.heartbeats.");
    }

    @Test
    void declaresSharedQueuesWithTheArgumentsOfTheContract() {
        Declarables worker = ErrandTopology.forWorker(List.of("echo"), OWN);

        assertThat(queue(worker, "errand.jobs.echo").getArguments()).isEqualTo(Topology.jobQueueArguments());
        Declarables api = ErrandTopology.forApi(OWN);
        assertThat(queue(api, Topology.retryQueue(Topology.RETRY_TIERS.getFirst())).getArguments())
                .isEqualTo(Topology.retryQueueArguments(Topology.RETRY_TIERS.getFirst()));
        assertThat(queue(api, "errand.results").getArguments()).isEqualTo(Topology.resultsQueueArguments());
        assertThat(queue(ErrandTopology.forApi(OWN), "errand.dead.notices").getArguments())
                .isEqualTo(Topology.deadQueueArguments());
        assertThat(queue(worker, "errand.jobs.echo").isDurable()).isTrue();
    }

    @Test
    void bindsEachRetryTierOnItsRoutingHeader() {
        var tier = Topology.RETRY_TIERS.getFirst();
        Binding binding = ErrandTopology.sharedTopology().getDeclarablesByType(Binding.class).stream()
                .filter(b -> b.getDestination().equals(Topology.retryQueue(tier))).findFirst().orElseThrow();

        assertThat(binding.getExchange()).isEqualTo("errand.retry");
        assertThat(binding.getArguments()).isEqualTo(Topology.retryBindingArguments(tier));
    }

    @Test
    void bindsAJobQueueToTheJobsExchangeByItsType() {
        Binding binding = ErrandTopology.jobQueueBinding("echo");

        assertThat(binding.getExchange()).isEqualTo("errand.jobs");
        assertThat(binding.getRoutingKey()).isEqualTo("echo");
        assertThat(binding.getDestination()).isEqualTo("errand.jobs.echo");
    }

    private static Set<String> exchanges(Declarables declarables) {
        return declarables.getDeclarablesByType(Exchange.class).stream().map(Exchange::getName)
                .collect(Collectors.toSet());
    }

    private static List<String> queues(Declarables declarables) {
        return declarables.getDeclarablesByType(Queue.class).stream().map(Queue::getName).toList();
    }

    private static List<String> bindings(Declarables declarables) {
        return declarables.getDeclarablesByType(Binding.class).stream()
                .map(b -> b.getDestination() + "->" + b.getExchange()).toList();
    }

    private static Queue queue(Declarables declarables, String name) {
        return declarables.getDeclarablesByType(Queue.class).stream().filter(q -> q.getName().equals(name))
                .findFirst().orElseThrow();
    }
}
