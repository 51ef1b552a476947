package errand.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * An Errand worker: consumes the job queues of the task types it serves, runs their handlers and reports every
 * outcome on {@code errand.results}. It speaks only the AMQP contract of {@code shared-model} and never touches the
 * database.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(WorkerApplication.class, args);
    }
}
