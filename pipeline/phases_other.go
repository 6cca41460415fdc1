//go:build !unix

package pipeline

import "time"

// cpuTime is not measured here: the phase clock prints CPU 0.
func cpuTime() time.Duration { return 0 }
