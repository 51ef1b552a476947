package errand.worker.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import errand.model.Headers;
import errand.model.Topology;
import errand.worker.runtime.registry.ServedTasks;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The exchanges, queues and bindings this worker uses, declared by Spring's {@code RabbitAdmin} when a connection
 * opens (at start and after every reconnect). Declarations are idempotent and use the arguments of {@link Topology},
 * exactly as the API declares the same names; all exchanges and shared queues are durable.
 *
 * <ul>
 *   <li>{@code errand.jobs} direct; per served type the quorum queue {@code errand.jobs.<type>}, key = type;
 *   <li>{@code errand.retry} headers; one delay queue per tier, bound with {@code x-match=all} on
 *       {@value Headers#RETRY_TIER_ROUTE} (the headers exchange ignores {@code x-} headers when matching, so
 *       {@value Headers#RETRY_TIER} alone would route to every tier); expired messages dead-letter back to
 *       {@code errand.jobs} with their key;
 *   <li>{@code errand.dead} fanout + queue; {@code errand.results} fanout + quorum queue;
 *   <li>{@code errand.control} fanout + this worker's exclusive, auto-delete queue, named by the worker
 *       ({@code spring.gen-…}) so that it keeps its name when it is declared again after a reconnect;
 *   <li>{@code errand.heartbeats} fanout (the API binds its own queues).
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class WorkerTopology {

    /**
     * This worker's control queue. Not a bean itself. Its name is chosen here, not by the broker: a broker-named queue
     * gets a new name on every reconnect, and the control consumer raced the redeclaration, trying the old name (a
     * 404) and missing cancels meanwhile.
     */
    record ControlQueue(Queue queue) {
    }

    @Bean
    ControlQueue controlQueue() {
        return new ControlQueue(new AnonymousQueue());
    }

    @Bean
    Declarables errandTopology(ServedTasks served, ControlQueue controlQueue) {
        List<Declarable> declarables = new ArrayList<>();
        DirectExchange jobs = new DirectExchange(Topology.JOBS_EXCHANGE, true, false);
        declarables.add(jobs);
        for (ServedTasks.ServedTask task : served.all()) {
            Queue queue = durableQueue(Topology.jobQueue(task.name()), Topology.jobQueueArguments());
            declarables.add(queue);
            declarables.add(BindingBuilder.bind(queue).to(jobs).with(task.name()));
        }
        HeadersExchange retry = new HeadersExchange(Topology.RETRY_EXCHANGE, true, false);
        declarables.add(retry);
        for (Duration tier : Topology.RETRY_TIERS) {
            Queue queue = durableQueue(Topology.retryQueue(tier), Topology.retryQueueArguments(tier));
            declarables.add(queue);
            declarables.add(new Binding(queue.getName(), Binding.DestinationType.QUEUE, retry.getName(), "",
                    new HashMap<>(Topology.retryBindingArguments(tier))));
        }
        declarables.addAll(fanoutWithQueue(Topology.DEAD_EXCHANGE,
                durableQueue(Topology.DEAD_QUEUE, Topology.deadQueueArguments())));
        declarables.addAll(fanoutWithQueue(Topology.RESULTS_EXCHANGE,
                durableQueue(Topology.RESULTS_QUEUE, Topology.resultsQueueArguments())));
        declarables.addAll(fanoutWithQueue(Topology.CONTROL_EXCHANGE, controlQueue.queue()));
        declarables.add(new FanoutExchange(Topology.HEARTBEATS_EXCHANGE, true, false));
        return new Declarables(declarables);
    }

    private static Queue durableQueue(String name, Map<String, Object> arguments) {
        return new Queue(name, true, false, false, new HashMap<>(arguments));
    }

    private static List<Declarable> fanoutWithQueue(String exchangeName, Queue queue) {
        FanoutExchange exchange = new FanoutExchange(exchangeName, true, false);
        return List.of(exchange, queue, BindingBuilder.bind(queue).to(exchange));
    }
}
