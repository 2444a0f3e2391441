#!/usr/bin/env bash
# Rebuilds jobtester's test contracts: Solidity sources (src/) → artifacts
# (artifacts/<Name>.json: ABI + bytecode) → Go bindings (<name>.go, package
# contracts, made by the abigen of the go-ethereum version go.mod requires).
# Run it after editing src/, and commit all three. Go builds and tests never
# run it: they use the committed artifacts and bindings.
#
#   npm ci && npm run build:contracts     (or livepeer/contracts/build.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

geth_version=$(go list -m -f '{{.Version}}' github.com/ethereum/go-ethereum)
abigen=github.com/ethereum/go-ethereum/cmd/abigen@$geth_version

if [[ ! -d node_modules/solc ]]; then
	echo "build.sh: node_modules/solc is missing; run npm ci first" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

node livepeer/contracts/compile.cjs "$tmp"

for name in Controller RoundsManager BondingManager ServiceRegistry TicketBroker; do
	# BondingManager → bonding_manager.go
	file=$(sed -E 's/([a-z])([A-Z])/\1_\2/g' <<<"$name" | tr '[:upper:]' '[:lower:]').go
	go run "$abigen" --abi "$tmp/$name.abi" --bin "$tmp/$name.bin" \
		--pkg contracts --type "$name" --out "livepeer/contracts/$file"
	chmod 644 "livepeer/contracts/$file" # abigen writes 0600
	echo "generated livepeer/contracts/$file"
done
