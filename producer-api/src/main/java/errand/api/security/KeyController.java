package errand.api.security;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.api.Problems;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/keys}: key management, for {@code admin} keys only (see {@link SecurityConfiguration}). */
@RestController
@RequestMapping("/api/v1/keys")
class KeyController {

    private final ApiKeys keys;

    KeyController(ApiKeys keys) {
        this.keys = keys;
    }

    /** A key as listed: never its secret. */
    record KeyResponse(UUID id, String name, String tenant, List<String> scopes, Instant createdAt,
            @Nullable Instant expiresAt, @Nullable Instant lastUsedAt) {

        static KeyResponse of(ApiKey key) {
            return new KeyResponse(key.id(), key.name(), key.tenant(), wireNames(key), key.createdAt(),
                    key.expiresAt(), key.lastUsedAt());
        }
    }

    /** A key just made, with its secret: this answer is the only place the secret appears. */
    record CreatedKeyResponse(UUID id, String name, String tenant, List<String> scopes, String secret,
            Instant createdAt, @Nullable Instant expiresAt) {

        @Override
        public String toString() {
            return "CreatedKeyResponse[id=" + id + ", name=" + name + ", tenant=" + tenant + ", secret=(hidden)]";
        }
    }

    record KeyList(List<KeyResponse> keys) {
    }

    @Operation(summary = "Make an API key", description = "The answer holds the key's secret; it is shown once and "
            + "never again. Scopes: jobs:submit, jobs:read, jobs:manage, schedules, admin.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<CreatedKeyResponse> create(@RequestBody JsonNode body) {
        ApiKeys.CreatedKey created = keys.create(NewKeyRequest.parse(body, Instant.now()));
        ApiKey key = created.key();
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/api/v1/keys/" + key.id()))
                .body(new CreatedKeyResponse(key.id(), key.name(), key.tenant(), wireNames(key), created.secret(),
                        key.createdAt(), key.expiresAt()));
    }

    @Operation(summary = "List the API keys", description = "Without their secrets, with when each was last used.")
    @GetMapping
    KeyList list() {
        return new KeyList(keys.list().stream().map(KeyResponse::of).toList());
    }

    @Operation(summary = "Delete an API key", description = "It stops working on every API instance within seconds.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        UUID keyId = parseId(id);
        if (!keys.delete(keyId)) {
            throw new KeyNotFound(id);
        }
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler
    ProblemDetail notFound(KeyNotFound e) {
        return Problems.of(HttpStatus.NOT_FOUND, "key-not-found", "Key not found", e.getMessage());
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new KeyNotFound(id);
        }
    }

    private static List<String> wireNames(ApiKey key) {
        return key.scopes().stream().sorted().map(Scope::wireName).toList();
    }

    static final class KeyNotFound extends RuntimeException {

        KeyNotFound(String id) {
            super("No key has the id " + id);
        }
    }
}
