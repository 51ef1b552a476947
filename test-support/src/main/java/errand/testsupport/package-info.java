/**
 * What every module's tests use to reach a broker and a database: {@link errand.testsupport.ErrandTestServices},
 * the one switch between local services and shared Testcontainers, handing each test class an isolated vhost and
 * database; and {@link errand.testsupport.Rabbitmqctl}, the one way to change the broker's settings at run time.
 */
@NullMarked
package errand.testsupport;

import org.jspecify.annotations.NullMarked;
