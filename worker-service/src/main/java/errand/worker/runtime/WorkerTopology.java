package errand.worker.runtime;

import errand.amqp.ErrandTopology;
import errand.model.Headers;
import errand.model.Topology;
import errand.worker.runtime.registry.ServedTasks;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The exchanges, queues and bindings this worker uses ({@link ErrandTopology#forWorker}, shared with the API's
 * declarations), declared by Spring's {@code RabbitAdmin} when a connection opens (at start and after every
 * reconnect). Declarations are idempotent and use the arguments of {@link Topology}; all exchanges and shared queues
 * are durable.
 *
 * <ul>
 *   <li>{@code errand.jobs} direct; per served type the quorum queue {@code errand.jobs.<type>}, key = type;
 *   <li>{@code errand.retry} headers, {@code errand.dead} and {@code errand.results} fanouts: the exchanges only. The
 *       API declares the delay queue of each retry tier (bound with {@code x-match=all} on
 *       {@value Headers#RETRY_TIER_ROUTE}; expired messages dead-letter back to {@code errand.jobs} with their key),
 *       the dead-letter queue and the results queue: a worker's broker user may not publish to {@code errand.jobs}
 *       nor read {@code errand.results}, and RabbitMQ asks for those rights to create and bind them;
 *   <li>{@code errand.control} fanout + this worker's exclusive, auto-delete queue, named by the worker
 *       ({@code errand.control.…}) so that it keeps its name when it is declared again after a reconnect;
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
        return new ControlQueue(ErrandTopology.controlQueue());
    }

    @Bean
    Declarables errandTopology(ServedTasks served, ControlQueue controlQueue) {
        return ErrandTopology.forWorker(served.all().stream().map(ServedTasks.ServedTask::name).toList(),
                controlQueue.queue());
    }
}
