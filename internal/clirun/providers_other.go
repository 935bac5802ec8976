//go:build !linux

package clirun

import "time"

// ProviderCPUSampled tells whether Measure.ProviderCPU is measured: only
// on Linux, which has /proc.
const ProviderCPUSampled = false

func sampleProviders(int) func() time.Duration {
	return func() time.Duration { return 0 }
}
