package errand.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseUnavailableTests {

    @Test
    void countsAnUnreachableHangingOrCommitLosingDatabaseAsUnavailable() {
        assertThat(DatabaseUnavailable.is(new CannotGetJdbcConnectionException("refused", new SQLException())))
                .isTrue();
        assertThat(DatabaseUnavailable.is(new CannotCreateTransactionException("no connection"))).isTrue();
        assertThat(DatabaseUnavailable.is(new QueryTimeoutException("socket timeout"))).isTrue();
        assertThat(DatabaseUnavailable.is(new TransactionSystemException("commit failed"))).isTrue();
    }

    @Test
    void doesNotCountRefusedDataOrOtherErrorsAsUnavailable() {
        assertThat(DatabaseUnavailable.is(new DataIntegrityViolationException("duplicate key"))).isFalse();
        assertThat(DatabaseUnavailable.is(new IllegalStateException("a bug"))).isFalse();
    }
}
