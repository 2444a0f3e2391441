# Conveniences over the scripts; the README's two commands need no make.
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: demo test build bench fmt

demo: ## set up, build and run the demo (scripts/demo.sh)
	./scripts/demo.sh

test: ## set up for tests and run every check CI runs (scripts/setup-and-test.sh)
	./scripts/setup-and-test.sh

build: ## build bin/jobtester
	go build -o bin/jobtester -ldflags "-X main.version=$(VERSION)" ./cmd/jobtester

bench: ## run the benchmark command and print its table
	go run ./bench

fmt: ## gofmt every Go file
	gofmt -l . | grep -v '^node_modules/' | xargs -r gofmt -w
