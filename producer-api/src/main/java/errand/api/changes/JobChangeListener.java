package errand.api.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

import errand.api.BackgroundLoop;
import errand.api.dispatch.OutboxSignal;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Listens on the {@code errand_job_changes} channel, which a trigger on the jobs table notifies on every status,
 * attempt or progress change (with the ids of the jobs, batches or workflows that changed), and on
 * {@code errand_job_events}, which says that changes were staged for the outcome stream or numbered, and forwards each
 * notification to the {@link JobChangeHub}; on {@code errand_outbox}, which says that a transaction made jobs to
 * publish (a workflow's next steps), it wakes the outbox relay. Runs on one dedicated thread holding one connection;
 * when the connection breaks it reconnects and wakes every waiter, since notifications sent meanwhile are lost.
 */
@Component
class JobChangeListener extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(JobChangeListener.class);
    /** How long one wait for notifications lasts, and the pause before reconnecting. */
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int POLL_MILLIS = Math.toIntExact(POLL.toMillis());
    private static final Pattern COMMA = Pattern.compile(",");

    private final DataSource dataSource;
    private final JobChangeHub hub;
    private final OutboxSignal outbox;

    JobChangeListener(DataSource dataSource, JobChangeHub hub, OutboxSignal outbox) {
        super("errand-job-changes", Threads.PLATFORM, POLL);
        this.dataSource = dataSource;
        this.hub = hub;
        this.outbox = outbox;
    }

    /** Connects, listens and forwards notifications until the connection breaks or the loop is stopped. */
    @Override
    protected boolean runOnce() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("listen errand_job_changes");
                statement.execute("listen errand_job_events");
                statement.execute("listen errand_outbox");
            }
            hub.signalAll();
            PGConnection pg = connection.unwrap(PGConnection.class);
            while (isRunning()) {
                PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        forward(notification);
                    }
                }
            }
        }
        return true;
    }

    private void forward(PGNotification notification) {
        switch (notification.getName()) {
            case "errand_outbox" -> outbox.wakeUp();
            case "errand_job_events" -> hub.signal(notification.getParameter().equals("staged")
                    ? JobChangeHub.EVENTS_STAGED : JobChangeHub.EVENTS_SEQUENCED);
            default -> {
                // a statement's changes come as one notification of comma-separated ids (V16)
                for (String id : COMMA.split(notification.getParameter())) {
                    hub.signal(UUID.fromString(id));
                }
            }
        }
    }

    @Override
    protected boolean onFailure(Exception e) {
        log.warn("Lost the job change listener's connection, reconnecting in {}: {}", POLL, e.getMessage());
        return true;
    }
}
