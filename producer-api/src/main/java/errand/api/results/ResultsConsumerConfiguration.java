package errand.api.results;

import errand.model.Topology;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The reply-queue consumer: batched, manually acknowledged after commit. */
@Configuration(proxyBeanMethods = false)
class ResultsConsumerConfiguration {

    /** A consumer holds the next batch while it applies one. */
    private static final int PREFETCHED_BATCHES = 2;

    @Bean
    SimpleMessageListenerContainer resultsContainer(ConnectionFactory connectionFactory, ResultListener listener,
            ResultsProperties properties) {
        var container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(Topology.RESULTS_QUEUE);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setConsumerBatchEnabled(true);
        container.setBatchSize(properties.batchSize());
        container.setPrefetchCount(properties.batchSize() * PREFETCHED_BATCHES);
        container.setReceiveTimeout(properties.batchWait().toMillis());
        container.setConcurrentConsumers(properties.consumers());
        container.setMessageListener(listener);
        return container;
    }
}
