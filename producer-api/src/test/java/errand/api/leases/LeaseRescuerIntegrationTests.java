package errand.api.leases;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import errand.api.MigratedDatabase;
import errand.model.WorkerHeartbeat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/** The rescuer and lease renewal on a real PostgreSQL: a stale lease is seeded, then {@code sweepOnce()}. */
class LeaseRescuerIntegrationTests {

    private static final LeaseProperties PROPERTIES = new LeaseProperties(Duration.ofSeconds(1), 3, 500);

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;
    private static final AtomicInteger wakeUps = new AtomicInteger();
    private static LeaseRescuer rescuer;
    private static LeaseRenewals renewals;

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
        rescuer = new LeaseRescuer(jdbc, wakeUps::incrementAndGet, PROPERTIES, new SimpleMeterRegistry());
        renewals = new LeaseRenewals(jdbc, PROPERTIES);
    }

    @Test
    void requeuesAJobWhoseLeaseLapsedAsANewAttempt() {
        UUID job = aLeasedJob("worker-a", 1, 3, Instant.now().minusSeconds(5));
        int before = wakeUps.get();

        rescuer.sweepOnce();

        assertThat(row(job)).containsEntry("status", "QUEUED").containsEntry("attempt", 2)
                .containsEntry("waiting_to_be_published", true).containsEntry("lease_until", null);
        assertThat(jdbc.queryForObject("select status from job_attempts where job_id = ? and attempt = 1",
                String.class, job)).isEqualTo("LOST");
        assertThat(wakeUps.get()).isGreaterThan(before);
    }

    @Test
    void failsAJobWhoseLastAttemptLostItsLease() {
        UUID job = aLeasedJob("worker-a", 3, 3, Instant.now().minusSeconds(5));

        rescuer.sweepOnce();

        assertThat(row(job)).containsEntry("status", "FAILED").containsEntry("attempt", 3);
        assertThat(jdbc.queryForObject("select error ->> 'type' from jobs where id = ?", String.class, job))
                .isEqualTo("lease-expired");
    }

    @Test
    void leavesALiveLeaseAlone() {
        UUID job = aLeasedJob("worker-a", 1, 3, Instant.now().plusSeconds(30));

        rescuer.sweepOnce();

        assertThat(row(job)).containsEntry("status", "RUNNING").containsEntry("attempt", 1);
    }

    @Test
    void keepsALeaseAliveWhileItsWorkerSendsHeartbeats() {
        UUID job = aLeasedJob("worker-b", 1, 3, Instant.now().minusSeconds(1));
        var heartbeat = new WorkerHeartbeat("worker-b", "host", Instant.now(), Duration.ofSeconds(5), List.of(), 1,
                false, List.of(new WorkerHeartbeat.Lease(job, 1)));

        renewals.renew(heartbeat);
        rescuer.sweepOnce();

        assertThat(row(job)).containsEntry("status", "RUNNING");
    }

    @Test
    void ignoresARenewalFromAWorkerThatNoLongerHoldsTheAttempt() {
        UUID job = aLeasedJob("worker-c", 2, 3, Instant.now().minusSeconds(1));
        var staleWorker = new WorkerHeartbeat("worker-c", "host", Instant.now(), Duration.ofSeconds(5), List.of(),
                1, false, List.of(new WorkerHeartbeat.Lease(job, 1)));

        renewals.renew(staleWorker);
        rescuer.sweepOnce();

        assertThat(row(job)).containsEntry("status", "QUEUED").containsEntry("attempt", 3);
    }

    private static UUID aLeasedJob(String worker, int attempt, int maxAttempts, Instant leaseUntil) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into jobs (id, type, status, payload, attempt, attempts, max_attempts, timeout_ms, created_at,
                                  publish_after, started_at, updated_at, lease_until, leased_by)
                values (?, 'sleep', 'RUNNING', '{"millis": 1}', ?, ?, ?, 60000, now(), now(), now(), now(), ?, ?)
                """, id, attempt, attempt, maxAttempts, java.sql.Timestamp.from(leaseUntil), worker);
        jdbc.update("insert into job_attempts (job_id, attempt, worker_id, status, started_at) "
                + "values (?, ?, ?, 'RUNNING', now())", id, attempt, worker);
        return id;
    }

    private static Map<String, Object> row(UUID job) {
        return jdbc.queryForMap("""
                select status, attempt, lease_until,
                       exists (select 1 from job_outbox o where o.job_id = j.id and o.attempt = j.attempt)
                           as waiting_to_be_published
                from jobs j where id = ?""", job);
    }
}
