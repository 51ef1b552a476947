@NullMarked
package errand.worker.runtime.consuming;

import org.jspecify.annotations.NullMarked;
