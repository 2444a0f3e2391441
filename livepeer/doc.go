// Package livepeer speaks to the Livepeer network on the tester's behalf:
// the gateway client (the CLI listener's orchestrator list and AI
// capabilities, the AI HTTP listener's batch routes and media results),
// the orchestrator webhook that pins a gateway to the orchestrator under
// test, and discovery from the chain. Everything it returns is keyed by
// the lower-case orchestrator address (ethaddr.Normalize).
//
// Whatever a gateway or an orchestrator sends is untrusted input: bodies
// are read with size caps, every call has a deadline, and garbage becomes
// an error (or, for a batch job, a classified JobResult), never a panic.
//
// It must not import jobtester's models/, handlers/, jobs/ or simnet/.
package livepeer
