package errand.api.security;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Spring Security for the API: every {@code /api/**} request authenticates with a bearer API key (an opaque token
 * that {@link ApiKeyIntrospector} resolves) and needs the scope {@link ScopeRules} names for it. Stateless: no
 * session, no cookie, so no CSRF token either. Everything else on the port (the OpenAPI document, its UI) is public;
 * the actuator endpoints belong on the management port, which stays internal.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyIntrospector keys, AuthenticationErrors errors,
            SecurityProperties properties,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> {
                    ScopeRules.RULES.forEach(rule ->
                            requests.requestMatchers(rule.matcher()).hasAuthority(rule.scope().authority()));
                    requests.anyRequest().authenticated();
                })
                .oauth2ResourceServer(server -> server
                        .bearerTokenResolver(new SingleBearerTokenResolver())
                        .opaqueToken(token -> token.introspector(keys))
                        .authenticationEntryPoint(errors)
                        .accessDeniedHandler(errors))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(errors).accessDeniedHandler(errors))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .csrf(AbstractHttpConfigurer::disable)
                .addFilterBefore(new KeyStoreUnavailableFilter(problems), BearerTokenAuthenticationFilter.class);
        if (properties.rateLimit() != null) {
            http.addFilterAfter(new RateLimitFilter(properties.rateLimit(), problems),
                    BearerTokenAuthenticationFilter.class);
        }
        return http.build();
    }

    /**
     * No Spring Security observations: its spans (filter chain, authentication, authorization) would sit between the
     * HTTP request's span and the job's, so a job's attempts would no longer be children of the request. Switched
     * off here rather than by {@code management.observations.enable}, which only turns them into no-ops: the filter
     * chain would still wrap every filter in an observation of its own, on every request.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(2)
    SecurityFilterChain publicPages(HttpSecurity http) {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .csrf(AbstractHttpConfigurer::disable)
                .build();
    }
}
