package errand.api.security;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * When each key was last used: noted in memory on every authenticated request and written to the store by a chore
 * ({@link SecurityChores}), so a request never waits for a write.
 */
@Component
class KeyUsage {

    private final ApiKeyStore store;
    private final Map<UUID, Instant> pending = new ConcurrentHashMap<>();

    KeyUsage(ApiKeyStore store) {
        this.store = store;
    }

    void used(UUID keyId, Instant at) {
        pending.put(keyId, at);
    }

    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, Instant> batch = new HashMap<>();
        pending.keySet().forEach(id -> {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        });
        try {
            store.recordUse(batch);
        } catch (RuntimeException e) {
            // kept for the next round, unless a newer use was noted meanwhile
            batch.forEach(pending::putIfAbsent);
            throw e;
        }
    }
}
