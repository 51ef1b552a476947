package errand.api.security;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An API key as the store holds it, without its secret (the store has only the secret's hash).
 *
 * @param expiresAt  when it stops working; null: never
 * @param lastUsedAt when a request last authenticated with it, to within {@link KeyUsage}'s flush interval
 */
public record ApiKey(UUID id, String name, String tenant, Set<Scope> scopes, Instant createdAt,
        @Nullable Instant expiresAt, @Nullable Instant lastUsedAt) {

    /** The tenant of the bootstrap key, and of jobs stored before tenants existed. */
    public static final String DEFAULT_TENANT = "default";

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
