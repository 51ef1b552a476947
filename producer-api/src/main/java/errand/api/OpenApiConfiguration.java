package errand.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html}) of the HTTP API. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI errandOpenApi() {
        return new OpenAPI().info(new Info()
                .title("Errand API")
                .version("v1")
                .description("""
                        Submit long-running jobs, follow them (poll, long-poll with ?wait=, server-sent events) and \
                        read their results. Task types and their payload schemas are announced by the workers: \
                        GET /api/v1/task-types lists them. Every error is an RFC 9457 problem \
                        (application/problem+json)."""));
    }
}
