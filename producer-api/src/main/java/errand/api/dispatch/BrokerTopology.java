package errand.api.dispatch;

import errand.model.Topology;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The exchanges and queues the API uses, declared idempotently at start and after every reconnect. Per-type job
 * queues are declared by {@link JobQueues} as types become known.
 */
@Configuration(proxyBeanMethods = false)
class BrokerTopology {

    @Bean
    AnonymousQueue heartbeatQueue() {
        return new AnonymousQueue();
    }

    @Bean
    Declarables errandTopology(AnonymousQueue heartbeatQueue) {
        var jobs = new DirectExchange(Topology.JOBS_EXCHANGE, true, false);
        var retry = new HeadersExchange(Topology.RETRY_EXCHANGE, true, false);
        var dead = new FanoutExchange(Topology.DEAD_EXCHANGE, true, false);
        var deadQueue = new Queue(Topology.DEAD_QUEUE, true, false, false, Topology.deadQueueArguments());
        var deadNotices = new Queue(Topology.DEAD_NOTICES_QUEUE, true, false, false, Topology.deadQueueArguments());
        var results = new FanoutExchange(Topology.RESULTS_EXCHANGE, true, false);
        var resultsQueue = new Queue(Topology.RESULTS_QUEUE, true, false, false, Topology.resultsQueueArguments());
        var control = new FanoutExchange(Topology.CONTROL_EXCHANGE, true, false);
        var heartbeats = new FanoutExchange(Topology.HEARTBEATS_EXCHANGE, true, false);
        return new Declarables(jobs, retry, dead, deadQueue, BindingBuilder.bind(deadQueue).to(dead),
                deadNotices, BindingBuilder.bind(deadNotices).to(dead),
                results, resultsQueue, BindingBuilder.bind(resultsQueue).to(results), control, heartbeats,
                BindingBuilder.bind(heartbeatQueue).to(heartbeats));
    }
}
