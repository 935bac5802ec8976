// Package engine drives the clouds' backends for the resources: a Client per
// cloud, and Groups, the one coordinator of a process (shared reads, batched
// writes, machine locks, plan-time quota). DESIGN.md, "The layers" and "The
// engine's promises".
package engine
