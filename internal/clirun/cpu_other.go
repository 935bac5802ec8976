//go:build !unix

package clirun

import "time"

// childrenCPU is not measured where getrusage is missing (Windows): the
// bench reports wall time only there.
func childrenCPU() time.Duration { return 0 }
