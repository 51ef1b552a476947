@NullMarked
package errand.api.results;

import org.jspecify.annotations.NullMarked;
