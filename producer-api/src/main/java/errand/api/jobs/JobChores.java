package errand.api.jobs;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic chores of the jobs feature. */
@Configuration(proxyBeanMethods = false)
class JobChores {

    @Bean
    PeriodicTask backlogCountChore(JobBacklog backlog, JobsProperties properties) {
        return new PeriodicTask("errand-backlog", properties.backlogCountInterval(), backlog::refresh);
    }

    @Bean
    PeriodicTask cancelRebroadcastChore(CancelRebroadcast cancels, JobsProperties properties) {
        return new PeriodicTask("errand-cancel-rebroadcast", properties.cancelRebroadcastInterval(),
                cancels::rebroadcastOnce);
    }
}
