@NullMarked
package errand.api.jobs;

import org.jspecify.annotations.NullMarked;
