package errand.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

class SecurityBasicsTests {

    @Test
    void secretsAreLongRandomAndOnlyTheirHashIsComparable() {
        String one = Secrets.generate();
        String other = Secrets.generate();

        assertThat(one).startsWith("errand_").hasSize("errand_".length() + 43).isNotEqualTo(other);
        assertThat(Secrets.hash(one)).hasSize(32);
        assertThat(Secrets.sameHash(Secrets.hash(one), Secrets.hash(one))).isTrue();
        assertThat(Secrets.sameHash(Secrets.hash(one), Secrets.hash(other))).isFalse();
    }

    @Test
    void anAdminKeyActsWithEveryScopeAndOthersWithTheirOwn() {
        assertThat(Scope.effective(Set.of(Scope.ADMIN))).isEqualTo(EnumSet.allOf(Scope.class));
        assertThat(Scope.effective(Set.of(Scope.JOBS_READ))).containsExactly(Scope.JOBS_READ);
        assertThat(Scope.fromWireName("jobs:manage")).contains(Scope.JOBS_MANAGE);
        assertThat(Scope.fromWireName("JOBS:MANAGE")).isEmpty();
    }

    @Test
    void theChallengeIsPlainWithoutCredentialsAndNamesTheErrorWithBadOnes() {
        assertThat(AuthenticationErrors.challenge(new InsufficientAuthenticationException("none")))
                .isEqualTo("Bearer");
        assertThat(AuthenticationErrors.challenge(new OAuth2AuthenticationException(
                new OAuth2Error("invalid_token", "a \"quoted\" reason", null))))
                .isEqualTo("Bearer error=\"invalid_token\", error_description=\"a 'quoted' reason\"");
    }

    @Test
    void thePropertiesNeverShowTheBootstrapKey() {
        SecurityProperties properties = new SecurityProperties("a-secret-bootstrap-key", 5.0, Duration.ofSeconds(2),
                Duration.ofSeconds(5));

        assertThat(properties.toString()).doesNotContain("a-secret-bootstrap-key").contains("(set)");
    }
}
