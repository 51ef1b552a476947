package errand.api.dispatch;

import errand.amqp.ErrandTopology;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Declarables;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The exchanges and queues the API uses ({@link ErrandTopology#forApi}), declared idempotently at start and
 * after every reconnect. Per-type job queues are declared by {@link JobQueues} as types become known.
 */
@Configuration(proxyBeanMethods = false)
class BrokerTopology {

    @Bean
    AnonymousQueue heartbeatQueue() {
        return ErrandTopology.heartbeatQueue();
    }

    @Bean
    Declarables errandTopology(AnonymousQueue heartbeatQueue) {
        return ErrandTopology.forApi(heartbeatQueue);
    }
}
