package errand.tests.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.model.WireJson;
import errand.testsupport.ErrandTestServices;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Read-only SQL on the API's job store for the failure suite: the recorded outcome of each job and its attempt
 * records, as the Flyway schema defines them ({@code jobs}, {@code job_attempts}). What the store says is the
 * verdict: the HTTP API only shows it.
 */
public final class JobRecords {

    private final ErrandTestServices.Isolated services;

    JobRecords(ErrandTestServices.Isolated services) {
        this.services = services;
    }

    /** One job's row. */
    public record JobRow(UUID id, String type, String status, int attempt, int attempts, @Nullable JsonNode result,
            @Nullable JsonNode error, @Nullable String leasedBy, boolean published) {

        public boolean isTerminal() {
            return switch (status) {
                case "SUCCEEDED", "FAILED", "CANCELLED" -> true;
                default -> false;
            };
        }
    }

    /** One attempt record. */
    public record AttemptRow(UUID jobId, int attempt, String workerId, String status, @Nullable JsonNode error) {
    }

    /** The rows of {@code ids}, by id; an id with no row is absent. */
    public Map<UUID, JobRow> jobs(Collection<UUID> ids) {
        Map<UUID, JobRow> rows = new HashMap<>();
        query("""
                select id, type, status, attempt, attempts, result::text, error::text, leased_by,
                       not exists (select 1 from job_outbox o where o.job_id = j.id and o.attempt = j.attempt)
                from jobs j where id = any (?)""", ids, result -> {
            UUID id = result.getObject(1, UUID.class);
            rows.put(id, new JobRow(id, result.getString(2), result.getString(3), result.getInt(4), result.getInt(5),
                    json(result.getString(6)), json(result.getString(7)), result.getString(8), result.getBoolean(9)));
        });
        return rows;
    }

    public @Nullable JobRow job(UUID id) {
        return jobs(List.of(id)).get(id);
    }

    /** Every attempt record of {@code ids}. */
    public List<AttemptRow> attempts(Collection<UUID> ids) {
        List<AttemptRow> rows = new ArrayList<>();
        query("select job_id, attempt, worker_id, status, error::text from job_attempts where job_id = any (?) "
                + "order by job_id, attempt", ids, result -> rows.add(new AttemptRow(result.getObject(1, UUID.class),
                        result.getInt(2), result.getString(3), result.getString(4), json(result.getString(5)))));
        return rows;
    }

    /** How many jobs have {@code payload.marker = marker}. */
    public long countWithMarker(String marker) {
        return single("select count(*) from jobs where payload ->> 'marker' = ?", marker);
    }

    /** The ids of the jobs with {@code payload.marker = marker}. */
    public List<UUID> idsWithMarker(String marker) {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select id from jobs where payload ->> 'marker' = ?")) {
            statement.setString(1, marker);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** How many jobs are accepted but not yet confirmed by the broker (the outbox backlog). */
    public long unpublished() {
        return single("select count(*) from jobs j join job_outbox o on o.job_id = j.id and o.attempt = j.attempt "
                + "where j.status = ?", "QUEUED");
    }

    private interface RowReader {
        void read(ResultSet result) throws SQLException;
    }

    private void query(String sql, Collection<UUID> ids, RowReader reader) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    reader.read(result);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long single(String sql, String parameter) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static @Nullable JsonNode json(@Nullable String text) {
        return text == null ? null : WireJson.mapper().readTree(text);
    }
}
