package errand.api.retention;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import errand.api.ErrandMetrics;
import errand.api.StatusSql;
import errand.model.JobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deletes terminal jobs finished longer ago than their status's retention, with their attempts (the foreign key
 * cascades). Each batch is one short transaction over the oldest rows of one status ({@code jobs_finished} index);
 * {@code SKIP LOCKED} lets API instances delete side by side without waiting on each other or on a job being read.
 * A pass goes on until a batch comes back short, so a backlog of old jobs drains in one pass, resting after each full
 * batch so that deleting takes at most its share of the time ({@link RetentionPace}). Once a job is gone, so is its
 * idempotency key: it is free again.
 *
 * <p><b>Thread:</b> the retention chore's. A database error ends the pass; the next one tries again. An interrupt
 * (the application stopping) ends it too, and stays set for the chore's loop to see.
 */
@Component
class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    /**
     * A job of a batch stays while the batch is unfinished, so the batch can be read back whole; a step's job while
     * its workflow runs, as later steps read its result.
     */
    private static final String DELETE_BATCH = """
            delete from jobs where id in (
                select id from jobs j where status = ? and finished_at < ?
                and (batch_id is null or not exists (
                    select 1 from jobs other where other.batch_id = j.batch_id and other.status in %s))
                and (workflow_id is null or not exists (
                    select 1 from workflows w where w.id = j.workflow_id and w.status = 'RUNNING'))
                order by finished_at limit ? for update skip locked)""".formatted(
            StatusSql.listOf(status -> !status.isTerminal()));

    private final JdbcTemplate jdbc;
    private final RetentionProperties properties;
    private final RetentionPace pace;
    private final Map<JobStatus, Counter> deleted;

    Retention(JdbcTemplate jdbc, RetentionProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.pace = properties.pace();
        this.deleted = Map.of(
                JobStatus.SUCCEEDED, counter(registry, JobStatus.SUCCEEDED),
                JobStatus.FAILED, counter(registry, JobStatus.FAILED),
                JobStatus.CANCELLED, counter(registry, JobStatus.CANCELLED));
    }

    private static Counter counter(MeterRegistry registry, JobStatus status) {
        return Counter.builder(ErrandMetrics.JOBS_DELETED).tag(ErrandMetrics.TAG_STATUS, status.name())
                .register(registry);
    }

    /** One pass over every terminal status. */
    void deleteExpired() {
        Instant now = Instant.now();
        properties.byStatus().forEach((status, kept) -> {
            long total = deleteFinishedBefore(status, now.minus(kept));
            if (total > 0) {
                log.info("Retention deleted {} {} jobs finished more than {} ago", total, status, kept);
            }
        });
    }

    private long deleteFinishedBefore(JobStatus status, Instant cutOff) {
        long total = 0;
        while (!Thread.currentThread().isInterrupted()) {
            long started = System.nanoTime();
            int batch = jdbc.update(DELETE_BATCH, status.name(), Timestamp.from(cutOff), properties.batchSize());
            deleted.get(status).increment(batch);
            total += batch;
            if (batch < properties.batchSize() || !rest(Duration.ofNanos(System.nanoTime() - started))) {
                break;
            }
        }
        return total;
    }

    /** Rests after a full batch that took {@code work}; false if interrupted meanwhile (the interrupt stays set). */
    private boolean rest(Duration work) {
        try {
            Thread.sleep(pace.restAfter(work));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
