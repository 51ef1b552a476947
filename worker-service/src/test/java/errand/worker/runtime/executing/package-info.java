@NullMarked
package errand.worker.runtime.executing;

import org.jspecify.annotations.NullMarked;
