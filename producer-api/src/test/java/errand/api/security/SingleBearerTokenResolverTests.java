package errand.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

class SingleBearerTokenResolverTests {

    private final BearerTokenResolver resolver = new SingleBearerTokenResolver();
    private final BearerTokenResolver springDefault = new DefaultBearerTokenResolver();

    @Test
    void resolvesEveryAuthorizationHeaderAsSpringSecuritysDefaultResolverDoes() {
        List<String> schemes = List.of("Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer", "Bearer  ", "Bearer\t",
                "Bearerx", "Basic ", "bearer", "beare", "", " Bearer ", "Bearer\u00a0", "Bearer\u3000",
                "B\u0435arer ");
        List<String> tokens = new ArrayList<>(List.of("errand_abc-DEF_123.~+/", "abc=", "abc==", "=abc", "abc=d",
                "", " abc", "abc ", "a b", "abc\n", "ab%3D", "\u00e9t\u00e9", "abc\u212a"));
        for (char c = 0; c < 0x180; c++) {
            tokens.add(String.valueOf(c));
            tokens.add("abc" + c + "def");
        }
        for (String scheme : schemes) {
            for (String token : tokens) {
                String header = scheme + token;
                assertThat(outcome(resolver, header)).as("Authorization: %s", header)
                        .isEqualTo(outcome(springDefault, header));
            }
        }
    }

    @Test
    void resolvesNothingWithoutAnAuthorizationHeader() {
        assertThat(resolver.resolve(new MockHttpServletRequest())).isNull();
    }

    @Test
    void refusesTwoAuthorizationHeaders() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", "Bearer one");
        request.addHeader("Authorization", "Bearer two");

        assertThatThrownBy(() -> resolver.resolve(request)).isInstanceOf(InvalidBearerTokenException.class)
                .hasMessage("Send one Authorization header, not several");
    }

    /** The token, null, or the refusal as its type and OAuth 2 error. */
    private static String outcome(BearerTokenResolver resolver, String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/jobs");
        request.addHeader("Authorization", authorization);
        try {
            return "token " + resolver.resolve(request);
        } catch (OAuth2AuthenticationException e) {
            return e.getClass().getSimpleName() + " " + e.getError().getErrorCode() + " "
                    + e.getError().getDescription() + " " + e.getError().getUri();
        }
    }
}
