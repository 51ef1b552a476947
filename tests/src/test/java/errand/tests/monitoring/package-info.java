/**
 * Checks of the shipped monitoring files without running the apps: the Grafana dashboards, the Prometheus alert
 * rules and configuration, the metrics contract and the Docker Compose file.
 */
@NullMarked
package errand.tests.monitoring;

import org.jspecify.annotations.NullMarked;
