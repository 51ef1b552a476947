package errand.api.security;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic chores of the security feature. */
@Configuration(proxyBeanMethods = false)
class SecurityChores {

    @Bean
    PeriodicTask keyUsageChore(KeyUsage usage, SecurityProperties properties) {
        return new PeriodicTask("errand-key-usage", properties.usageFlushInterval(), usage::flush);
    }
}
