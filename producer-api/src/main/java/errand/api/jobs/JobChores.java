package errand.api.jobs;

import java.time.Duration;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic chores of the jobs feature. */
@Configuration(proxyBeanMethods = false)
class JobChores {

    @Bean
    PeriodicTask backlogCountChore(JobBacklog backlog) {
        return new PeriodicTask("errand-backlog", Duration.ofSeconds(2), backlog::refresh);
    }

    @Bean
    PeriodicTask cancelRebroadcastChore(CancelRebroadcast cancels) {
        return new PeriodicTask("errand-cancel-rebroadcast", Duration.ofSeconds(3), cancels::rebroadcastOnce);
    }
}
