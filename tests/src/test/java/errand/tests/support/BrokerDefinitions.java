package errand.tests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import errand.model.WireJson;
import errand.testsupport.BrokerPermissions;
import tools.jackson.databind.JsonNode;

/**
 * {@code rabbitmq/definitions.json}, the broker users of {@code docker-compose.yml}: the one place their permissions
 * are written, read here so the tests grant exactly those.
 */
public final class BrokerDefinitions {

    /** The API's broker user. */
    public static final String API_USER = "errand-api";
    /** The workers' broker user. */
    public static final String WORKER_USER = "errand-worker";

    private final Path file;
    private final JsonNode definitions;

    private BrokerDefinitions(Path file, JsonNode definitions) {
        this.file = file;
        this.definitions = definitions;
    }

    /** The repository's {@code rabbitmq/definitions.json}. */
    public static BrokerDefinitions load() {
        Path file = PlatformApps.repoRoot().resolve("rabbitmq/definitions.json");
        try {
            return new BrokerDefinitions(file, WireJson.mapper().readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
    }

    public JsonNode json() {
        return definitions;
    }

    /** The permissions of {@code user} on the vhost {@code /}. */
    public BrokerPermissions permissionsOf(String user) {
        for (JsonNode permission : definitions.path("permissions")) {
            if (user.equals(permission.path("user").asString()) && "/".equals(permission.path("vhost").asString())) {
                return new BrokerPermissions(permission.path("configure").asString(),
                        permission.path("write").asString(), permission.path("read").asString());
            }
        }
        throw new IllegalStateException("No permissions of " + user + " on / in " + file);
    }

    /** The user's entry in {@code users} (its {@code password_hash}, {@code hashing_algorithm}, {@code tags}). */
    public JsonNode user(String user) {
        for (JsonNode entry : definitions.path("users")) {
            if (user.equals(entry.path("name").asString())) {
                return entry;
            }
        }
        throw new IllegalStateException("No user " + user + " in " + file);
    }
}
