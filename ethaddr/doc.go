// Package ethaddr is the one home of an orchestrator's Ethereum address:
// parsing, the canonical lower-case form every join and every stored row
// uses, and EIP-55 mixed case for display. It is a leaf: it imports nothing
// of this project, so every package may use it.
package ethaddr
