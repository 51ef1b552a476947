package errand.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html}) of the HTTP API. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    /** The name of the document's one security scheme: an API key as a bearer secret. */
    private static final String API_KEY = "apiKey";

    @Bean
    OpenAPI errandOpenApi() {
        return new OpenAPI()
                .components(new Components().addSecuritySchemes(API_KEY, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("An Errand API key: Authorization: Bearer <secret>")))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY))
                .info(new Info()
                .title("Errand API")
                .version("v1")
                .description("""
                        Submit long-running jobs, follow them (poll, long-poll with ?wait=, server-sent events) and \
                        read their results. Task types and their payload schemas are announced by the workers: \
                        GET /api/v1/task-types lists them. Every call needs an API key \
                        (Authorization: Bearer <secret>) whose scopes allow it, and acts within the key's tenant. \
                        Every error is an RFC 9457 problem (application/problem+json)."""));
    }
}
