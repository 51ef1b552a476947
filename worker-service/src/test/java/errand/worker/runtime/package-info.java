@NullMarked
package errand.worker.runtime;

import org.jspecify.annotations.NullMarked;
