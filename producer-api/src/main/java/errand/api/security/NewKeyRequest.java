package errand.api.security;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import errand.api.FieldError;
import errand.api.InvalidRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A valid {@code POST /api/v1/keys} body: {@code {"name", "tenant", "scopes", "expiresAt"?}}. {@link #parse} lists
 * every broken rule at once, each naming its field.
 */
record NewKeyRequest(String name, String tenant, Set<Scope> scopes, @Nullable Instant expiresAt) {

    static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int MAX_NAME_LENGTH = 200;

    static NewKeyRequest parse(JsonNode body, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (!body.isObject()) {
            throw new InvalidRequest(List.of(new FieldError("", "type", "must be a JSON object")));
        }
        String name = text(body, "name", errors);
        if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH)) {
            errors.add(new FieldError("/name", "length", "must be 1 to " + MAX_NAME_LENGTH + " characters"));
        }
        String tenant = text(body, "tenant", errors);
        if (tenant != null && !TENANT.matcher(tenant).matches()) {
            errors.add(new FieldError("/tenant", "pattern", "'" + tenant + "' is not a tenant name: lower-case "
                    + "letters, digits and '-', starting with a letter or digit, at most 63 characters"));
        }
        Set<Scope> scopes = scopes(body.get("scopes"), errors);
        Instant expiresAt = expiresAt(body.get("expiresAt"), now, errors);
        body.propertyNames().stream().filter(field -> !Set.of("name", "tenant", "scopes", "expiresAt").contains(field))
                .forEach(field -> errors.add(new FieldError("/" + field, "unknown", "is not a field of a key")));
        if (!errors.isEmpty() || name == null || tenant == null) {
            throw new InvalidRequest(errors);
        }
        return new NewKeyRequest(name, tenant, scopes, expiresAt);
    }

    private static @Nullable String text(JsonNode body, String field, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            errors.add(new FieldError("/" + field, "required", "is required"));
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError("/" + field, "type", "must be a string"));
            return null;
        }
        return value.asString();
    }

    private static Set<Scope> scopes(@Nullable JsonNode value, List<FieldError> errors) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (value == null || value.isNull()) {
            errors.add(new FieldError("/scopes", "required", "is required: a non-empty array of scopes"));
            return scopes;
        }
        if (!value.isArray() || value.isEmpty()) {
            errors.add(new FieldError("/scopes", "type", "must be a non-empty array of scopes"));
            return scopes;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode scope = value.get(i);
            Optional<Scope> known = scope.isString() ? Scope.fromWireName(scope.asString()) : Optional.<Scope>empty();
            if (known.isEmpty()) {
                errors.add(new FieldError("/scopes/" + i, "enum", scope + " is not one of "
                        + EnumSet.allOf(Scope.class).stream().map(Scope::wireName).toList()));
            } else {
                scopes.add(known.get());
            }
        }
        return scopes;
    }

    private static @Nullable Instant expiresAt(@Nullable JsonNode value, Instant now, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            Instant at = Instant.parse(value.asString(""));
            if (!at.isAfter(now)) {
                errors.add(new FieldError("/expiresAt", "future", "must be in the future, not " + at));
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("/expiresAt", "instant", "must be an ISO-8601 instant such as "
                    + "2030-01-01T00:00:00Z"));
            return null;
        }
    }
}
