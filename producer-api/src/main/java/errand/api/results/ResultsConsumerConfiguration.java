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

    @Bean
    SimpleMessageListenerContainer resultsContainer(ConnectionFactory connectionFactory, ResultListener listener,
            ResultsProperties properties) {
        var container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(Topology.RESULTS_QUEUE);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setConsumerBatchEnabled(true);
        container.setBatchSize(properties.batchSize());
        container.setPrefetchCount(properties.batchSize() * 2);
        container.setReceiveTimeout(properties.batchWait().toMillis());
        container.setConcurrentConsumers(properties.consumers());
        container.setMessageListener(listener);
        return container;
    }
}
