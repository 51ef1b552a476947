package errand.worker.runtime.consuming;

import java.util.Map;

import errand.worker.runtime.WorkerRuntime;
import errand.worker.runtime.executing.RunningJobs;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health contributor {@code consumers}: UP while the control container has its consumer and every served task type
 * has at least one slot consuming or busy with a job; DOWN before start, while stopping, and while no slot of a type
 * can consume (its channel cannot be opened). Part of the readiness group together with
 * {@code rabbit} (the broker is reachable), so {@code /actuator/health/readiness} is UP only when this worker can
 * actually take jobs.
 */
public final class ConsumersHealthIndicator extends AbstractHealthIndicator {

    private final WorkerRuntime runtime;
    private final RunningJobs running;

    public ConsumersHealthIndicator(WorkerRuntime runtime, RunningJobs running) {
        super("Consumers check failed");
        this.runtime = runtime;
        this.running = running;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, Integer> consumers = runtime.consumers();
        boolean consuming = runtime.isRunning() && !running.isStopping()
                && consumers.values().stream().allMatch(active -> active > 0);
        (consuming ? builder.up() : builder.down())
                .withDetail("consumers", consumers)
                .withDetail("inFlight", running.heldTotal())
                .withDetail("stopping", running.isStopping());
    }
}
