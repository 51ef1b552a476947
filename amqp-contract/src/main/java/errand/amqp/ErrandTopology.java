package errand.amqp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import errand.model.Headers;
import errand.model.Topology;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Base64UrlNamingStrategy;
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
 * <p>Each app declares the subset it uses, named here. A worker declares only what its restricted broker user
 * ({@code rabbitmq/definitions.json}) may: creating a queue with a dead-letter exchange takes write on that exchange,
 * and the retry tiers dead-letter to {@code errand.jobs}, so the API (which publishes jobs anyway) declares them;
 * binding a queue takes read on its exchange, and read on {@code errand.results} or {@code errand.dead} would also
 * let a worker consume the queue of that name, so the API binds those.
 * <table>
 *   <caption>Who declares what</caption>
 *   <tr><th>declarable</th><th>API ({@link #forApi})</th><th>worker ({@link #forWorker})</th></tr>
 *   <tr><td>{@code errand.jobs} direct</td>
 *       <td>yes; job queues later, per type ({@link #jobQueue}, {@link #jobQueueBinding})</td>
 *       <td>yes, with the queue of each served type</td></tr>
 *   <tr><td>{@code errand.retry} headers</td><td>with every tier queue and binding</td><td>the exchange only</td></tr>
 *   <tr><td>{@code errand.dead} fanout + queue</td><td>yes, and {@code errand.dead.notices}</td>
 *       <td>the exchange only</td></tr>
 *   <tr><td>{@code errand.results} fanout + queue</td><td>yes</td><td>the exchange only</td></tr>
 *   <tr><td>{@code errand.control} fanout</td><td>the exchange only</td>
 *       <td>with its own control queue ({@link #controlQueue})</td></tr>
 *   <tr><td>{@code errand.heartbeats} fanout</td><td>with its own heartbeat queue ({@link #heartbeatQueue})</td>
 *       <td>the exchange only</td></tr>
 * </table>
 */
public final class ErrandTopology {

    private ErrandTopology() {
    }

    /**
     * What the API declares at start: {@link #sharedTopology()} and {@code heartbeatQueue}, its own, exclusive,
     * bound to the heartbeats.
     */
    public static Declarables forApi(Queue heartbeatQueue) {
        List<Declarable> declarables = new ArrayList<>(sharedTopology().getDeclarables());
        declarables.add(heartbeatQueue);
        declarables.add(BindingBuilder.bind(heartbeatQueue).to(fanout(Topology.HEARTBEATS_EXCHANGE)));
        return new Declarables(declarables);
    }

    /**
     * The durable topology the API owns, everything of {@link #forApi} but its heartbeat queue: every exchange, the
     * retry tiers, the dead-letter queues and the results queue. A test that plays the API declares it.
     */
    public static Declarables sharedTopology() {
        List<Declarable> declarables = new ArrayList<>();
        declarables.add(jobsExchange());
        HeadersExchange retry = retryExchange();
        declarables.add(retry);
        for (Duration tier : Topology.RETRY_TIERS) {
            Queue queue = durableQueue(Topology.retryQueue(tier), Topology.retryQueueArguments(tier));
            declarables.add(queue);
            declarables.add(new Binding(queue.getName(), Binding.DestinationType.QUEUE, retry.getName(), "",
                    new HashMap<>(Topology.retryBindingArguments(tier))));
        }
        FanoutExchange dead = fanout(Topology.DEAD_EXCHANGE);
        Queue deadQueue = durableQueue(Topology.DEAD_QUEUE, Topology.deadQueueArguments());
        Queue deadNotices = durableQueue(Topology.DEAD_NOTICES_QUEUE, Topology.deadQueueArguments());
        declarables.addAll(List.of(dead, deadQueue, BindingBuilder.bind(deadQueue).to(dead),
                deadNotices, BindingBuilder.bind(deadNotices).to(dead)));
        declarables.addAll(fanoutWithQueue(Topology.RESULTS_EXCHANGE,
                durableQueue(Topology.RESULTS_QUEUE, Topology.resultsQueueArguments())));
        declarables.add(fanout(Topology.CONTROL_EXCHANGE));
        declarables.add(fanout(Topology.HEARTBEATS_EXCHANGE));
        return new Declarables(declarables);
    }

    /**
     * What a worker declares at start: the exchanges it publishes to or binds to, the queues of the task types it
     * serves, and {@code controlQueue}, its own, exclusive, bound to the control exchange. The retry tiers, the
     * dead-letter queue and the results queue are the API's ({@link #sharedTopology()}).
     */
    public static Declarables forWorker(Collection<String> taskTypes, Queue controlQueue) {
        List<Declarable> declarables = new ArrayList<>();
        declarables.add(jobsExchange());
        for (String type : taskTypes) {
            declarables.add(jobQueue(type));
            declarables.add(jobQueueBinding(type));
        }
        declarables.add(retryExchange());
        declarables.add(fanout(Topology.DEAD_EXCHANGE));
        declarables.add(fanout(Topology.RESULTS_EXCHANGE));
        declarables.addAll(fanoutWithQueue(Topology.CONTROL_EXCHANGE, controlQueue));
        declarables.add(fanout(Topology.HEARTBEATS_EXCHANGE));
        return new Declarables(declarables);
    }

    /**
     * A worker's control queue: non-durable, exclusive, auto-delete, named by the client
     * {@code errand.control.<random>} (so a broker user's rights can name it, and it keeps its name when declared
     * again after a reconnect).
     */
    public static AnonymousQueue controlQueue() {
        return new AnonymousQueue(new Base64UrlNamingStrategy(Topology.CONTROL_QUEUE_PREFIX));
    }

    /** An API instance's heartbeat queue, like {@link #controlQueue()}: {@code errand.heartbeats.<random>}. */
    public static AnonymousQueue heartbeatQueue() {
        return new AnonymousQueue(new Base64UrlNamingStrategy(Topology.HEARTBEAT_QUEUE_PREFIX));
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
