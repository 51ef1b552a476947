@NullMarked
package errand.api;

import org.jspecify.annotations.NullMarked;
