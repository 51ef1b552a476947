@NullMarked
package errand.worker.runtime.reporting;

import org.jspecify.annotations.NullMarked;
