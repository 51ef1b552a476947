package errand.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.postgresql.PGStatement;

/**
 * Statements planned anew at every call, for the values and the table sizes of that call. The driver prepares a
 * statement on the server once it ran a few times on a connection, and PostgreSQL then may keep one generic plan for
 * it. The relay's claim runs every second on an idle store, so its generic plan was made for empty tables: a seq scan
 * of {@code jobs} per due job, harmless while nothing is due and a scan of the whole table for every job of a burst.
 * An unnamed statement (prepare threshold 0) is always planned with the call's values; the planning costs a fraction
 * of a millisecond, once per round of hundreds of jobs.
 */
public final class PlannedEachCall {

    private PlannedEachCall() {
    }

    public static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
        return statement;
    }
}
