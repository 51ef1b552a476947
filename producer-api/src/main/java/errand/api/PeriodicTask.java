package errand.api;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Runs a chore on its own daemon thread every {@code interval} while the application runs (the backlog count, the
 * lease sweep, cancel re-broadcasts). A database error skips one round: the next one tries again.
 */
public final class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private final Duration interval;
    private final Runnable chore;
    private final ScheduledExecutorService scheduler;
    private volatile boolean running;

    public PeriodicTask(String name, Duration interval, Runnable chore) {
        this.name = name;
        this.interval = interval;
        this.chore = chore;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
    }

    private void runOnce() {
        try {
            chore.run();
        } catch (DataAccessException e) {
            log.debug("{} skipped a round: {}", name, e.getMessage());
        }
    }

    @Override
    public void start() {
        running = true;
        scheduler.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
