package errand.api.retention;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic chore of the retention feature. */
@Configuration(proxyBeanMethods = false)
class RetentionChores {

    @Bean
    PeriodicTask retentionChore(Retention retention, RetentionProperties properties) {
        return new PeriodicTask("errand-retention", properties.interval(), retention::deleteExpired);
    }
}
