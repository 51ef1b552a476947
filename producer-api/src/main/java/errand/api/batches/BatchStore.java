package errand.api.batches;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code batches} table: what a batch submit made (its jobs carry its id). */
@Repository
class BatchStore {

    private final JdbcTemplate jdbc;

    BatchStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record Batch(UUID id, String tenant, int size, Instant createdAt) {
    }

    /** The batch, if it exists and belongs to {@code tenant}: another tenant's batch is as good as absent. */
    Optional<Batch> find(String tenant, UUID id) {
        return jdbc.query("select id, tenant, size, created_at from batches where id = ? and tenant = ?",
                (rs, n) -> new Batch(rs.getObject("id", UUID.class), rs.getString("tenant"), rs.getInt("size"),
                        rs.getTimestamp("created_at").toInstant()), id, tenant).stream().findFirst();
    }
}
