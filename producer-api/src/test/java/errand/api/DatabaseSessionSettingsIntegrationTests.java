package errand.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import errand.testsupport.ErrandTestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The sessions the API's pool opens, as its application.yml configures them, on a real PostgreSQL. */
class DatabaseSessionSettingsIntegrationTests {

    private static ErrandTestServices.Isolated database;

    @BeforeAll
    static void createDatabase() {
        database = ErrandTestServices.isolated(DatabaseSessionSettingsIntegrationTests.class.getSimpleName());
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void theApiSessionsRunWithoutJitCompilation() throws Exception {
        HikariConfig pool = new Binder(ConfigurationPropertySources.from(applicationYaml()))
                .bind("spring.datasource.hikari", Bindable.ofInstance(new HikariConfig())).get();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.jdbcUser());
        pool.setPassword(database.jdbcPassword());
        pool.setMaximumPoolSize(1);

        try (HikariDataSource dataSource = new HikariDataSource(pool)) {
            assertThat(new JdbcTemplate(dataSource).queryForObject("show jit", String.class)).isEqualTo("off");
        }
    }

    private static List<PropertySource<?>> applicationYaml() throws Exception {
        return new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"));
    }
}
