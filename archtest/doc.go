// Package archtest holds no code, only tests that keep the tree the shape
// docs/architecture.md describes: which package may import which, and the
// size limits of hand-written files and functions. It reads the source with
// go/parser; nothing imports it.
package archtest
