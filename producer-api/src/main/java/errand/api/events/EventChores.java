package errand.api.events;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic chore of the outcome stream: deleting events older than the retention. */
@Configuration(proxyBeanMethods = false)
class EventChores {

    @Bean
    PeriodicTask eventExpiryChore(EventLog log, EventsProperties properties) {
        return new PeriodicTask("errand-events-expiry", properties.expiryInterval(),
                () -> log.expire(properties.retention(), properties.batchSize()));
    }
}
