package errand.api.security;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Making, listing and deleting keys. A new key's secret is returned once and never kept. */
@Service
class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final ApiKeyStore store;
    private final ApiKeyIntrospector introspector;
    private final TransactionTemplate transactions;

    ApiKeys(ApiKeyStore store, ApiKeyIntrospector introspector, TransactionTemplate transactions) {
        this.store = store;
        this.introspector = introspector;
        this.transactions = transactions;
    }

    /** A key just made, with its secret: the only time anyone sees it. */
    record CreatedKey(ApiKey key, String secret) {

        @Override
        public String toString() {
            return "CreatedKey[key=" + key + ", secret=(hidden)]";
        }
    }

    CreatedKey create(NewKeyRequest request) {
        String secret = Secrets.generate();
        ApiKey key = new ApiKey(UUID.randomUUID(), request.name(), request.tenant(), request.scopes(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), request.expiresAt(), null);
        store.insert(key, Secrets.hash(secret));
        log.info("Created API key {} ({}) in tenant {} with scopes {}", key.id(), key.name(), key.tenant(),
                key.scopes());
        return new CreatedKey(key, secret);
    }

    List<ApiKey> list() {
        return store.list();
    }

    boolean delete(UUID id) {
        boolean deleted = store.delete(id);
        if (deleted) {
            introspector.forgetAll();
            log.info("Deleted API key {}", id);
        }
        return deleted;
    }

    /**
     * Makes an admin key in tenant {@code default} when the store holds none, and answers its secret; empty when a
     * key exists. Instances starting together make one between them.
     */
    Optional<String> createFirstKeyIfNone() {
        return transactions.execute(tx -> {
            store.lockForBootstrap();
            if (!store.isEmpty()) {
                return Optional.<String>empty();
            }
            String secret = Secrets.generate();
            store.insert(new ApiKey(UUID.randomUUID(), "generated at first start", ApiKey.DEFAULT_TENANT,
                    Set.of(Scope.ADMIN), Instant.now().truncatedTo(ChronoUnit.MICROS), null, null),
                    Secrets.hash(secret));
            return Optional.of(secret);
        });
    }
}
