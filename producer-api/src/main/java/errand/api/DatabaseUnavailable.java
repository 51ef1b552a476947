package errand.api;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * The one answer to "is the database unavailable?": unreachable, restarting, timing out, or losing the connection
 * during a commit, as opposed to refusing the data. A request that meets one answers {@code 503} with
 * {@code Retry-After} ({@link ApiProblems}); a batch of job events is retried with back-off
 * ({@code results.EventSink}).
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean is(Throwable e) {
        // DataAccessResourceFailureException covers CannotGetJdbcConnectionException
        return e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessException
                || e instanceof CannotCreateTransactionException || e instanceof TransactionSystemException;
    }
}
