package errand.api.leases;

import errand.api.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Sweeps lapsed leases every {@code errand.api.leases.sweep-interval}. */
@Configuration(proxyBeanMethods = false)
class LeaseChores {

    @Bean
    PeriodicTask leaseSweepChore(LeaseRescuer rescuer, LeaseProperties properties) {
        return new PeriodicTask("errand-lease-rescuer", properties.sweepInterval(), rescuer::sweepOnce);
    }
}
