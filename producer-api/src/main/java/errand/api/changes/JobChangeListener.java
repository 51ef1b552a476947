package errand.api.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens on the {@code errand_job_changes} channel, which a trigger on the jobs table notifies on every status,
 * attempt or progress change, and forwards each notification to the {@link JobChangeHub}. Runs on one dedicated
 * thread holding one connection; when the connection breaks it reconnects and wakes every waiter, since
 * notifications sent meanwhile are lost.
 */
@Component
class JobChangeListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobChangeListener.class);
    private static final int POLL_MILLIS = 1_000;

    private final DataSource dataSource;
    private final JobChangeHub hub;
    private volatile boolean running;
    private Thread thread = Thread.ofPlatform().unstarted(() -> { });

    JobChangeListener(DataSource dataSource, JobChangeHub hub) {
        this.dataSource = dataSource;
        this.hub = hub;
    }

    private void loop() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen errand_job_changes");
                }
                hub.signalAll();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            hub.signal(UUID.fromString(notification.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Lost the job change listener's connection, reconnecting: {}", e.getMessage());
                    pause();
                }
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("errand-job-changes").daemon().start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        thread.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
