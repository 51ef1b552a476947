package errand.api.batches;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
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
                BatchStore::batch, id, tenant).stream().findFirst();
    }

    /** A page of the tenant's batches, newest first, after the batch {@code after}. */
    List<Batch> page(String tenant, int limit, @Nullable UUID after) {
        StringBuilder sql = new StringBuilder("select id, tenant, size, created_at from batches where tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (after != null) {
            sql.append(" and (created_at, id) < (select created_at, id from batches where id = ? and tenant = ?)");
            args.add(after);
            args.add(tenant);
        }
        sql.append(" order by created_at desc, id desc limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), BatchStore::batch, args.toArray());
    }

    private static Batch batch(ResultSet rs, int row) throws SQLException {
        return new Batch(rs.getObject("id", UUID.class), rs.getString("tenant"), rs.getInt("size"),
                rs.getTimestamp("created_at").toInstant());
    }
}
