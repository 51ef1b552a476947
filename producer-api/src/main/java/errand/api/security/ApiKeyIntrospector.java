package errand.api.security;

import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.stereotype.Component;

/**
 * Turns a bearer secret into the {@link Caller} it belongs to, for Spring Security's opaque-token authentication.
 * The secret is hashed and looked up by its hash; the hashes are then compared in constant time. What was read about a
 * hash (a key, or no key) is trusted for {@link SecurityProperties#keyCacheTtl()}, so a burst of requests costs one
 * query, and a deleted key stops working on every instance within that time.
 *
 * <p>A store that cannot be read fails the request with the database's exception (a {@code 503}, see
 * {@link AuthenticationErrors}), not a {@code 401}: the key may well be valid.
 */
@Component
class ApiKeyIntrospector implements OpaqueTokenIntrospector {

    /** Hashes remembered at most; past it the memory starts over, so random secrets cannot grow it without end. */
    private static final int MAX_REMEMBERED = 10_000;

    private final ApiKeyStore store;
    private final KeyUsage usage;
    private final SecurityProperties properties;
    private final byte @Nullable [] bootstrapHash;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    ApiKeyIntrospector(ApiKeyStore store, KeyUsage usage, SecurityProperties properties) {
        this.store = store;
        this.usage = usage;
        this.properties = properties;
        this.bootstrapHash = properties.bootstrapKey() == null ? null : Secrets.hash(properties.bootstrapKey());
    }

    /** The configured bootstrap key: every scope in tenant {@code default}, never stored. */
    static final Caller BOOTSTRAP = new Caller(new UUID(0, 0), "bootstrap", ApiKey.DEFAULT_TENANT,
            EnumSet.allOf(Scope.class));

    @Override
    public OAuth2AuthenticatedPrincipal introspect(String token) {
        byte[] hash = Secrets.hash(token);
        if (bootstrapHash != null && Secrets.sameHash(hash, bootstrapHash)) {
            return BOOTSTRAP;
        }
        Instant now = Instant.now();
        ApiKey key = lookUp(hash, now).orElseThrow(() ->
                new BadOpaqueTokenException("The API key is unknown or has been revoked"));
        if (key.expiredAt(now)) {
            throw new BadOpaqueTokenException("The API key expired at " + key.expiresAt());
        }
        usage.used(key.id(), now);
        return Caller.of(key);
    }

    private Optional<ApiKey> lookUp(byte[] hash, Instant now) {
        String id = Base64.getEncoder().encodeToString(hash);
        Remembered known = remembered.get(id);
        if (known != null && now.isBefore(known.until())) {
            return known.key();
        }
        Optional<ApiKey> key = store.findBySecretHash(hash)
                .filter(found -> Secrets.sameHash(found.secretHash(), hash))
                .map(ApiKeyStore.HashedKey::key);
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(id, new Remembered(key, now.plus(properties.keyCacheTtl())));
        return key;
    }

    /** Forgets what this instance read about keys, so a change it made itself shows at once. */
    void forgetAll() {
        remembered.clear();
    }

    private record Remembered(Optional<ApiKey> key, Instant until) {
    }
}
