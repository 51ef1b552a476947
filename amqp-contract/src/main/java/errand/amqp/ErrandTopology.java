package errand.amqp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import errand.model.Headers;
import errand.model.Topology;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Queue;

/**
 * The exchanges, queues and bindings of {@code docs/wire-contract.md}, built from {@link Topology}'s names and
 * arguments, for Spring's {@code RabbitAdmin} to declare when a connection opens. Every declarer uses these, so the
 * arguments cannot differ (RabbitMQ refuses a redeclaration with other arguments). All exchanges and shared queues
 * are durable; shared queues are quorum queues.
 *
 * <p>Each app declares the subset it uses, named here:
 * <table>
 *   <caption>Who declares what</caption>
 *   <tr><th>declarable</th><th>API ({@link #forApi})</th><th>worker ({@link #forWorker})</th></tr>
 *   <tr><td>{@code errand.jobs} direct</td>
 *       <td>yes; job queues later, per type ({@link #jobQueue}, {@link #jobQueueBinding})</td>
 *       <td>yes, with the queue of each served type</td></tr>
 *   <tr><td>{@code errand.retry} headers</td><td>the exchange only</td><td>with every tier queue and binding</td></tr>
 *   <tr><td>{@code errand.dead} fanout + queue</td><td>yes, and {@code errand.dead.notices}</td><td>yes</td></tr>
 *   <tr><td>{@code errand.results} fanout + queue</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@code errand.control} fanout</td><td>the exchange only</td><td>with its own control queue</td></tr>
 *   <tr><td>{@code errand.heartbeats} fanout</td><td>with its own heartbeat queue</td><td>the exchange only</td></tr>
 * </table>
 */
public final class ErrandTopology {

    private ErrandTopology() {
    }

    /** What the API declares at start: {@code heartbeatQueue} is its own, exclusive, bound to the heartbeats. */
    public static Declarables forApi(Queue heartbeatQueue) {
        List<Declarable> declarables = new ArrayList<>();
        declarables.add(jobsExchange());
        declarables.add(retryExchange());
        FanoutExchange dead = fanout(Topology.DEAD_EXCHANGE);
        Queue deadQueue = durableQueue(Topology.DEAD_QUEUE, Topology.deadQueueArguments());
        Queue deadNotices = durableQueue(Topology.DEAD_NOTICES_QUEUE, Topology.deadQueueArguments());
        declarables.addAll(List.of(dead, deadQueue, BindingBuilder.bind(deadQueue).to(dead),
                deadNotices, BindingBuilder.bind(deadNotices).to(dead)));
        declarables.addAll(results());
        declarables.add(fanout(Topology.CONTROL_EXCHANGE));
        declarables.addAll(fanoutWithQueue(Topology.HEARTBEATS_EXCHANGE, heartbeatQueue));
        return new Declarables(declarables);
    }

    /**
     * What a worker declares at start: the queues of the task types it serves, the retry tiers, and
     * {@code controlQueue}, its own, exclusive, bound to the control exchange.
     */
    public static Declarables forWorker(Collection<String> taskTypes, Queue controlQueue) {
        List<Declarable> declarables = new ArrayList<>();
        DirectExchange jobs = jobsExchange();
        declarables.add(jobs);
        for (String type : taskTypes) {
            declarables.add(jobQueue(type));
            declarables.add(jobQueueBinding(type));
        }
        HeadersExchange retry = retryExchange();
        declarables.add(retry);
        for (Duration tier : Topology.RETRY_TIERS) {
            Queue queue = durableQueue(Topology.retryQueue(tier), Topology.retryQueueArguments(tier));
            declarables.add(queue);
            declarables.add(new Binding(queue.getName(), Binding.DestinationType.QUEUE, retry.getName(), "",
                    new HashMap<>(Topology.retryBindingArguments(tier))));
        }
        declarables.addAll(fanoutWithQueue(Topology.DEAD_EXCHANGE,
                durableQueue(Topology.DEAD_QUEUE, Topology.deadQueueArguments())));
        declarables.addAll(results());
        declarables.addAll(fanoutWithQueue(Topology.CONTROL_EXCHANGE, controlQueue));
        declarables.add(fanout(Topology.HEARTBEATS_EXCHANGE));
        return new Declarables(declarables);
    }

    /** The work queue of one task type. The API declares it before it publishes the type's first job. */
    public static Queue jobQueue(String taskType) {
        return durableQueue(Topology.jobQueue(taskType), Topology.jobQueueArguments());
    }

    /** The binding of a type's work queue to {@code errand.jobs}: the routing key is the type. */
    public static Binding jobQueueBinding(String taskType) {
        return new Binding(Topology.jobQueue(taskType), Binding.DestinationType.QUEUE, Topology.JOBS_EXCHANGE,
                taskType, null);
    }

    /** The routing header pair is {@value Headers#RETRY_TIER} and {@value Headers#RETRY_TIER_ROUTE}. */
    private static HeadersExchange retryExchange() {
        return new HeadersExchange(Topology.RETRY_EXCHANGE, true, false);
    }

    private static DirectExchange jobsExchange() {
        return new DirectExchange(Topology.JOBS_EXCHANGE, true, false);
    }

    private static List<Declarable> results() {
        return fanoutWithQueue(Topology.RESULTS_EXCHANGE,
                durableQueue(Topology.RESULTS_QUEUE, Topology.resultsQueueArguments()));
    }

    private static FanoutExchange fanout(String name) {
        return new FanoutExchange(name, true, false);
    }

    private static Queue durableQueue(String name, Map<String, Object> arguments) {
        return new Queue(name, true, false, false, new HashMap<>(arguments));
    }

    private static List<Declarable> fanoutWithQueue(String exchangeName, Queue queue) {
        FanoutExchange exchange = fanout(exchangeName);
        return List.of(exchange, queue, BindingBuilder.bind(queue).to(exchange));
    }
}
