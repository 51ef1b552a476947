package errand.api.leases;

import java.sql.Timestamp;
import java.time.Instant;

import errand.api.StatusSql;
import errand.model.JobStatus;
import errand.model.WorkerHeartbeat;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Extends the leases a worker's heartbeat names, on this API's clock. */
@Component
public class LeaseRenewals {

    private static final String RENEW = """
            update jobs set lease_until = greatest(lease_until, ?)
            where status = %s and leased_by = ?
              and (id, attempt) in (select * from unnest(?::uuid[], ?::int[]))""".formatted(
            StatusSql.literal(JobStatus.RUNNING));

    private final JdbcTemplate jdbc;
    private final LeaseProperties properties;

    LeaseRenewals(JdbcTemplate jdbc, LeaseProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    public void renew(WorkerHeartbeat heartbeat) {
        if (heartbeat.leases().isEmpty()) {
            return;
        }
        Instant until = Instant.now().plus(heartbeat.interval().multipliedBy(properties.renewIntervals()));
        Object[] ids = heartbeat.leases().stream().map(WorkerHeartbeat.Lease::jobId).toArray();
        Object[] attempts = heartbeat.leases().stream().map(WorkerHeartbeat.Lease::attempt).toArray();
        jdbc.update(connection -> {
            var ps = connection.prepareStatement(RENEW);
            ps.setTimestamp(1, Timestamp.from(until));
            ps.setString(2, heartbeat.workerId());
            ps.setArray(3, connection.createArrayOf("uuid", ids));
            ps.setArray(4, connection.createArrayOf("int4", attempts));
            return ps;
        });
    }
}
