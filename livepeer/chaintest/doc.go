// Package chaintest deploys jobtester's own copies of Livepeer's contracts
// (livepeer/contracts) on a development chain such as go-ethereum's
// simulated backend, with orchestrators registered in the pool and their
// URIs published, so chain discovery is tested against real EVM contracts.
//
// Only _test.go files may import it (archtest checks). It must not import
// livepeer, whose own tests use it.
package chaintest
