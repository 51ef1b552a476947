package errand.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;

/**
 * Request bodies are read as {@code errand.model.WireJson} reads messages: a payload is data and is kept exactly, so
 * a number is a {@code BigDecimal} or an integer of any size (never rounded to a double: {@code 1e400} would become
 * {@code Infinity}), and an object with the same key twice is refused instead of silently keeping the last value
 * ({@link ApiProblems} answers 400 naming the key).
 */
@Configuration(proxyBeanMethods = false)
class ExactJson {

    @Bean
    JsonMapperBuilderCustomizer exactRequestBodies() {
        return builder -> builder.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}
