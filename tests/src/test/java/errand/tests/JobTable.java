package errand.tests;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Read-only SQL on the API's job store, to check what the API says against what it recorded. The schema is the
 * API's Flyway migration ({@code producer-api/src/main/resources/db/migration}): table {@code jobs}, columns
 * {@code id uuid}, {@code status}, {@code attempts}.
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

    /** How many rows exist for each of {@code ids}: 1 each in a healthy store. */
    public Map<UUID, Integer> rowsPerId(Collection<UUID> ids) {
        Map<UUID, Integer> rows = new HashMap<>();
        try (Connection connection = services.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "select id, count(*) from jobs where id = any (?) group by id")) {
            Array array = connection.createArrayOf("uuid", ids.toArray());
            statement.setArray(1, array);
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
    public Row row(UUID id) {
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
