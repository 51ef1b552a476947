package errand.tests.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Restarts every worker of a {@link FaultPlatform} whose process exited, as systemd's {@code Restart=always} or a
 * Kubernetes Deployment would, checking every {@link #CHECK_INTERVAL} until closed. It does not wait for a restarted
 * worker to be ready: a worker that takes a poison job at once dies before it could report ready.
 *
 * <p><b>Threading:</b> checks on a thread of its own; {@link #restarts()} may be read from any thread. Close it
 * before the platform stops its processes, or it restarts them.
 */
public final class WorkerSupervisor implements AutoCloseable {

    private static final Duration CHECK_INTERVAL = Duration.ofMillis(250);
    private static final System.Logger LOG = System.getLogger(WorkerSupervisor.class.getName());

    private final List<AppProcess> workers;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("worker-supervisor").daemon(true).factory());
    private final AtomicInteger restarts = new AtomicInteger();

    private WorkerSupervisor(List<AppProcess> workers) {
        this.workers = List.copyOf(workers);
    }

    /** Supervises the platform's workers as they are now. */
    public static WorkerSupervisor supervise(FaultPlatform platform) {
        WorkerSupervisor supervisor = new WorkerSupervisor(platform.workers());
        supervisor.checks.scheduleWithFixedDelay(supervisor::restartExited, 0, CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        return supervisor;
    }

    /** How many times a worker was restarted so far. */
    public int restarts() {
        return restarts.get();
    }

    private void restartExited() {
        for (AppProcess worker : workers) {
            if (!worker.isAlive()) {
                try {
                    worker.relaunch();
                    restarts.incrementAndGet();
                    LOG.log(System.Logger.Level.INFO, "restarted {0} (restart {1})", worker.name(), restarts.get());
                } catch (RuntimeException e) {
                    // a scheduled task that throws is never run again: log it and try at the next check
                    LOG.log(System.Logger.Level.WARNING, "could not restart " + worker.name(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        checks.shutdownNow();
        try {
            checks.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
