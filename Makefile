# Quire's developer entry points. `make` (or `make help`) lists them.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Pinned versions of the local stack (K8S_VERSION, ...), shared with the dev/ scripts.
include dev/versions.env

QUIRE_CACHE ?= $(HOME)/.cache/quire
QUIRE_RUN ?= $(CURDIR)/.run
export QUIRE_CACHE QUIRE_RUN

# Every recipe runs the pinned Node.js 24 from node_modules/.bin before the machine's own node,
# and the kubectl built with the local cluster, at the cluster's version.
export PATH := $(CURDIR)/node_modules/.bin:$(QUIRE_CACHE)/kubernetes-v$(K8S_VERSION)/bin:$(PATH)

##@ General

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m\n"} \
	  /^[a-zA-Z0-9_-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } \
	  /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Build

.PHONY: install
install: ## Install the pinned Node.js 24 and every workspace dependency from the lockfile
	npm ci --no-audit --no-fund
	@echo "Node.js for scripts and tests: $$(node --version)"

# `make up` reinstalls only when the lockfile changed since the last install.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

.PHONY: build
build: ## Compile every package (tsc -b) and bundle the web app (vite build)
	npm run build
	npm run build --workspace @quire/web

.PHONY: generate
generate: ## Regenerate derived files (the Platform CRD in crds/, the charts' copies of it, the web app's API types)
	npm run generate --workspace @quire/operator --if-present
	npx tsc -b services/auth services/user services/document services/search services/notification services/audit
	node dev/delivery/web-api-types.ts
	node dev/delivery/sync-charts.ts

.PHONY: lint
lint: ## Check formatting and lint rules (Biome) and type-check the tests
	npm run lint
	npx tsc -p tsconfig.tests.json
	npx tsc -p dev/up
	npx tsc -p dev/delivery

.PHONY: clean
clean: ## Remove build outputs (keeps the stack, the cache and node_modules)
	rm -rf */dist services/*/dist clients/*/dist **/*.tsbuildinfo

##@ Test

.PHONY: test-unit
test-unit: build ## Run the unit tests (no infrastructure needed)
	npm run test:unit

.PHONY: test-integration
test-integration: build stack-up ## Run the integration tests against the local stack and cluster
	npm run test:integration

.PHONY: test
test: generate build lint stack-up ## Everything CI runs: generate, build, lint, start the stack, all tests, the delivery checks
	npm test
	$(MAKE) check-delivery

.PHONY: bench
bench: build ## Run the benchmarks
	npm run bench --workspaces --if-present

##@ Delivery

IMAGE_REGISTRY ?= ghcr.io/quire-dev
VERSION ?= dev
PUSH ?= false

.PHONY: images
images: ## Build the operator, service and web app images with Docker (IMAGE_REGISTRY, VERSION; PUSH=true pushes)
	IMAGE_REGISTRY=$(IMAGE_REGISTRY) VERSION=$(VERSION) PUSH=$(PUSH) dev/delivery/images.sh

.PHONY: kind-up
kind-up: ## Create the kind cluster of kind-config.yaml with a local registry for Tilt (needs Docker and kind)
	dev/delivery/kind.sh up

.PHONY: kind-down
kind-down: ## Delete the kind cluster and its registry
	dev/delivery/kind.sh down

.PHONY: delivery-tools
delivery-tools: ## Build the delivery checkers once into the cache (helm, helm-unittest, tilt, checkov, kubernetes-validate, hadolint)
	dev/tools/build.sh all

.PHONY: check-delivery
check-delivery: build stack-up ## Check charts, manifests, Dockerfile, kind config and Tiltfile with their own tools and the local cluster
	dev/delivery/check.sh

##@ Local stack

.PHONY: stack-up
stack-up: ## Build (once, cached) and start the local stack and cluster; a second call is a no-op
	dev/stack/stack.sh up

.PHONY: stack-down
stack-down: ## Stop everything stack-up started (by recorded pid)
	dev/stack/stack.sh down

.PHONY: stack-status
stack-status: ## Show each component of the local stack: health, version, port
	dev/stack/stack.sh status

.PHONY: cluster-up
cluster-up: ## Build (once, cached) and start only the local Kubernetes cluster
	dev/cluster/cluster.sh up

.PHONY: cluster-down
cluster-down: ## Stop the local Kubernetes cluster and remove its state
	dev/cluster/cluster.sh down

##@ Run

.PHONY: up
up: export QUIRE_UP_STARTED_MS := $(shell date +%s%3N)
up: node_modules/.package-lock.json build stack-up ## Bring up the whole platform on this machine and show it working (dev/up/)
	node dev/up/up.ts

.PHONY: run-operator
run-operator: build stack-up ## Run the operator against the local cluster in the foreground (Ctrl-C stops it)
	set -a; . "$(QUIRE_RUN)/env"; set +a; \
	"$$QUIRE_KUBECTL" apply --server-side --field-manager quire-operator -f crds/ >/dev/null; \
	QUIRE_LEADER_ELECT=false QUIRE_METRICS_BIND_ADDRESS=127.0.0.1:18080 QUIRE_HEALTH_PROBE_BIND_ADDRESS=127.0.0.1:18081 \
	  exec node operator/dist/main.js

.PHONY: down
down: ## Stop what `make up` started (services, gateway, operator, collector), then the stack
	-node dev/up/down.ts
	dev/stack/stack.sh down
