package errand.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;

import errand.api.FieldError;
import errand.api.InvalidRequest;
import errand.model.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NewKeyRequestTests {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static NewKeyRequest parse(String json) {
        return NewKeyRequest.parse(WireJson.mapper().readTree(json), NOW);
    }

    private static InvalidRequest refusal(String json) {
        return catchThrowableOfType(InvalidRequest.class, () -> parse(json));
    }

    @Test
    void aCompleteRequestKeepsEveryField() {
        NewKeyRequest request = parse("""
                {"name":"ci","tenant":"acme-2","scopes":["jobs:submit","jobs:read"],
                 "expiresAt":"2030-01-01T00:00:00Z"}""");

        assertThat(request.name()).isEqualTo("ci");
        assertThat(request.tenant()).isEqualTo("acme-2");
        assertThat(request.scopes()).containsExactlyInAnyOrder(Scope.JOBS_SUBMIT, Scope.JOBS_READ);
        assertThat(request.expiresAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void everyBrokenRuleIsListedWithItsField() {
        InvalidRequest refused = refusal("""
                {"tenant":"Acme","scopes":["jobs:read","root"],"expiresAt":"2020-01-01T00:00:00Z","role":"x"}""");

        assertThat(refused.errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("/name", "/tenant", "/scopes/1", "/expiresAt", "/role");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "acme", "a-b-c",
        "x23456789012345678901234567890123456789012345678901234567890123"})
    void tenantNamesOfTheContractAreAccepted(String tenant) {
        assertThat(parse("{\"name\":\"n\",\"tenant\":\"" + tenant + "\",\"scopes\":[\"admin\"]}").tenant())
                .isEqualTo(tenant);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", "A", "a_b", "a.b", "a b", "é",
        "x234567890123456789012345678901234567890123456789012345678901234"})
    void otherTenantNamesAreRefused(String tenant) {
        assertThat(refusal("{\"name\":\"n\",\"tenant\":\"" + tenant + "\",\"scopes\":[\"admin\"]}").errors())
                .extracting(FieldError::field).containsExactly("/tenant");
    }

    @Test
    void scopesMustBeANonEmptyArrayOfKnownScopes() {
        assertThat(refusal("{\"name\":\"n\",\"tenant\":\"t\",\"scopes\":[]}").errors())
                .extracting(FieldError::field).containsExactly("/scopes");
        assertThat(refusal("{\"name\":\"n\",\"tenant\":\"t\",\"scopes\":\"admin\"}").errors())
                .extracting(FieldError::field).containsExactly("/scopes");
        assertThat(refusal("{\"name\":\"n\",\"tenant\":\"t\",\"scopes\":[1]}").errors())
                .extracting(FieldError::field).containsExactly("/scopes/0");
    }

    @Test
    void anExpiryThatIsNotInTheFutureIsRefused() {
        assertThat(refusal("{\"name\":\"n\",\"tenant\":\"t\",\"scopes\":[\"admin\"],\"expiresAt\":\"" + NOW + "\"}")
                .errors()).extracting(FieldError::rule).containsExactly("future");
    }
}
