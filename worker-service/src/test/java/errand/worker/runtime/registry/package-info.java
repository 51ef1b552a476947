@NullMarked
package errand.worker.runtime.registry;

import org.jspecify.annotations.NullMarked;
