// Package guides runs what the user guides and example modules tell users
// to run, as they would run it: the example modules' terraform test
// through the real CLI against a mockcloud binary started with a fixtures
// file, and the guides' commands as written.
package guides
