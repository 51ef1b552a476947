@NullMarked
package errand.worker.workers;

import org.jspecify.annotations.NullMarked;
