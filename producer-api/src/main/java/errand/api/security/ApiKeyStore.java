package errand.api.security;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code api_keys} table: keys with the hash of their secret, never the secret. */
@Repository
class ApiKeyStore {

    private static final String COLUMNS = "id, name, tenant, scopes, created_at, expires_at, last_used_at";

    private final JdbcTemplate jdbc;

    ApiKeyStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(ApiKey key, byte[] secretHash) {
        jdbc.update("""
                insert into api_keys (id, name, tenant, scopes, secret_hash, created_at, expires_at)
                values (?, ?, ?, ?, ?, ?, ?)""", ps -> {
                    ps.setObject(1, key.id());
                    ps.setString(2, key.name());
                    ps.setString(3, key.tenant());
                    ps.setArray(4, ps.getConnection().createArrayOf("text",
                            key.scopes().stream().map(Scope::wireName).sorted().toArray()));
                    ps.setBytes(5, secretHash);
                    ps.setTimestamp(6, Timestamp.from(key.createdAt()));
                    ps.setTimestamp(7, key.expiresAt() == null ? null : Timestamp.from(key.expiresAt()));
                });
    }

    /** The key whose secret hashes to {@code secretHash}, with the stored hash to compare in constant time. */
    Optional<HashedKey> findBySecretHash(byte[] secretHash) {
        return jdbc.query("select " + COLUMNS + ", secret_hash from api_keys where secret_hash = ?",
                (rs, n) -> new HashedKey(map(rs), rs.getBytes("secret_hash")), secretHash).stream().findFirst();
    }

    record HashedKey(ApiKey key, byte[] secretHash) {
    }

    List<ApiKey> list() {
        return jdbc.query("select " + COLUMNS + " from api_keys order by created_at, id", (rs, n) -> map(rs));
    }

    boolean delete(UUID id) {
        return jdbc.update("delete from api_keys where id = ?", id) == 1;
    }

    boolean isEmpty() {
        Boolean any = jdbc.queryForObject("select exists (select 1 from api_keys)", Boolean.class);
        return !Boolean.TRUE.equals(any);
    }

    /** Serialises the check-then-insert of a generated bootstrap key between API instances starting together. */
    void lockForBootstrap() {
        jdbc.query("select pg_advisory_xact_lock(hashtext('errand.api_keys.bootstrap'))", rs -> {
        });
    }

    void recordUse(Map<UUID, Instant> lastUsed) {
        List<Object[]> rows = new ArrayList<>(lastUsed.size());
        lastUsed.forEach((id, at) -> rows.add(new Object[] {Timestamp.from(at), id}));
        jdbc.batchUpdate("update api_keys set last_used_at = greatest(last_used_at, ?) where id = ?", rows);
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("tenant"),
                scopes(rs.getArray("scopes")), rs.getTimestamp("created_at").toInstant(),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("last_used_at")));
    }

    private static Set<Scope> scopes(Array array) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (Object name : (Object[]) array.getArray()) {
            Scope.fromWireName((String) name).ifPresent(scopes::add);
        }
        return scopes;
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
