package errand.api;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * Runs a chore on its own daemon thread every {@code interval} while the application runs (the backlog count, the
 * lease sweep, cancel re-broadcasts), the first time at once. A database error skips one round: the next one tries
 * again; any other error is logged as a warning, and the next round tries again too.
 */
public final class PeriodicTask extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final Duration interval;
    private final Runnable chore;

    public PeriodicTask(String name, Duration interval, Runnable chore) {
        super(name, Threads.PLATFORM, interval);
        this.interval = interval;
        this.chore = chore;
    }

    @Override
    protected boolean runOnce() throws InterruptedException {
        chore.run();
        Thread.sleep(interval);
        return true;
    }

    @Override
    protected boolean onFailure(Exception e) {
        if (e instanceof DataAccessException) {
            log.debug("{} skipped a round: {}", name(), e.getMessage());
            return true;
        }
        return super.onFailure(e);
    }
}
