package errand.tests.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import errand.testsupport.ErrandTestServices;
import org.jspecify.annotations.Nullable;

/**
 * Read-only SQL on the API's job store, to check what the API says against what it recorded. The schema is the
 * API's Flyway migration ({@code producer-api/src/main/resources/db/migration}): table {@code jobs}, columns
 * {@code id uuid}, {@code status}, {@code attempts}, {@code payload jsonb}; and {@code job_attempts}, one row per
 * attempt a worker reported on ({@code job_id}, {@code attempt}, {@code status}).
 */
public final class JobTable {

    private final ErrandTestServices.Isolated services;

    JobTable(ErrandTestServices.Isolated services) {
        this.services = services;
    }

    /** How many job rows exist. */
    public long count() {
        return queryLong("select count(*) from jobs");
    }

    /** How many job rows have {@code type}. */
    public long countWithType(String type) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(*) from jobs where type = ?")) {
            statement.setString(1, type);
            return single(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The id of every job row, as strings (the form of a job message's {@code message_id}): on a shared platform,
     * taken before a test acts, the jobs that are not the test's own.
     */
    public Set<String> ids() {
        return new HashSet<>(queryIds("select id from jobs"));
    }

    /** The jobs not yet SUCCEEDED, FAILED or CANCELLED. */
    public List<UUID> unfinishedIds() {
        return queryIds("select id from jobs where status not in ('SUCCEEDED', 'FAILED', 'CANCELLED')").stream()
                .map(UUID::fromString).toList();
    }

    /** How many job rows have {@code status}. */
    public long countWithStatus(String status) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(*) from jobs where status = ?")) {
            statement.setString(1, status);
            return single(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many rows among {@code ids} have {@code status}. */
    public long countWithStatus(Collection<UUID> ids, String status) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(*) from jobs where status = ? and id = any (?)")) {
            statement.setString(1, status);
            statement.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
            return single(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many job rows have {@code payload.marker = marker}: tests tag their payloads to find them. */
    public long countWithMarker(String marker) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(*) from jobs where payload ->> 'marker' = ?")) {
            statement.setString(1, marker);
            return single(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * For each of {@code ids} that has attempt records: how many attempts were recorded as SUCCEEDED. Exactly one
     * recorded outcome means 1 for every job.
     */
    public Map<UUID, Integer> succeededAttemptsPerJob(Collection<UUID> ids) {
        Map<UUID, Integer> rows = new HashMap<>();
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement("""
                        select job_id, count(*) filter (where status = 'SUCCEEDED')
                        from job_attempts where job_id = any (?) group by job_id""")) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getObject(1, UUID.class), result.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The recorded status and attempts of one job, or {@code null} if there is no row. */
    public @Nullable Row row(UUID id) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select status, attempts from jobs where id = ?")) {
            statement.setObject(1, id);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? new Row(result.getString(1), result.getInt(2)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Row(String status, int attempts) {
    }

    private List<String> queryIds(String sql) {
        List<String> ids = new ArrayList<>();
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                ids.add(result.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private long queryLong(String sql) {
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            return single(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long single(PreparedStatement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }
}
