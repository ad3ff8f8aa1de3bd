// Package checks holds the delivery checks that use the projects' own Go code rather than a
// re-implementation: kind's config types decode kind-config.yaml; gopher-lua (the Lua Argo CD runs)
// runs the documented Platform health check; Flux's kstatus computes the status of Platforms.
// Run with `go test ./...` (dev/delivery/check.sh, step go).
package checks
