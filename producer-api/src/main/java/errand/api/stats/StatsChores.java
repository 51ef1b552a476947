package errand.api.stats;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic chores of the stats feature. */
@Configuration(proxyBeanMethods = false)
class StatsChores {

    @Bean
    PeriodicTask countsFoldChore(JobCounts counts, StatsProperties properties) {
        return new PeriodicTask("errand-counts-fold", properties.foldInterval(), counts::fold);
    }
}
