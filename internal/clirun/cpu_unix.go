//go:build unix

package clirun

import (
	"syscall"
	"time"
)

// childrenCPU is the CPU time of this process's reaped children.
func childrenCPU() time.Duration {
	var r syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
