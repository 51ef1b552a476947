package errand.api.jobs;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import errand.api.dispatch.ControlPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Repeats the cancel of recently cancelled jobs whose attempt was running when the cancel was issued, every few
 * seconds for a few minutes: a worker that was cut off from the broker then (its control queue is exclusive, so
 * the broadcast was lost) hears it once it is back, and stops an attempt whose outcome nobody will record.
 */
@Component
class CancelRebroadcast implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CancelRebroadcast.class);
    private static final int EVERY_SECONDS = 3;

    private final JdbcTemplate jdbc;
    private final ControlPublisher control;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("errand-cancel-rebroadcast").daemon().factory());
    private volatile boolean running;

    CancelRebroadcast(JdbcTemplate jdbc, ControlPublisher control) {
        this.jdbc = jdbc;
        this.control = control;
    }

    void rebroadcastOnce() {
        try {
            jdbc.queryForList("""
                    select j.id from jobs j join job_attempts a on a.job_id = j.id and a.attempt = j.attempt
                    where j.status = 'CANCELLED' and a.status = 'RUNNING'
                      and j.finished_at > now() - interval '5 minutes'
                    limit 1000""", UUID.class).forEach(control::broadcastCancel);
        } catch (DataAccessException e) {
            log.debug("Could not look for cancelled jobs to re-broadcast: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        running = true;
        scheduler.scheduleWithFixedDelay(this::rebroadcastOnce, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
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
