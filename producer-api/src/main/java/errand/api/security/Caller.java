package errand.api.security;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;

/**
 * Who is calling: the key a request authenticated with. Controllers take it as an
 * {@code @AuthenticationPrincipal Caller} parameter and act within its {@link #tenant()}.
 *
 * @param scopes the key's effective scopes (an admin key holds all of them)
 */
public record Caller(UUID keyId, String keyName, String tenant, Set<Scope> scopes)
        implements OAuth2AuthenticatedPrincipal {

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    static Caller of(ApiKey key) {
        return new Caller(key.id(), key.name(), key.tenant(), Scope.effective(key.scopes()));
    }

    @Override
    public Map<String, Object> getAttributes() {
        return Map.of("tenant", tenant, "key", keyId.toString());
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return scopes.stream().map(scope -> new SimpleGrantedAuthority(scope.authority())).toList();
    }

    @Override
    public String getName() {
        return keyName;
    }
}
