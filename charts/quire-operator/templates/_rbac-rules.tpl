{{/*
The operator's permissions, one rule per need, each naming the code that needs it
(operator/src/...). Nothing else: dev/delivery/test/rbac.int.test.ts runs the real operator with
exactly these and shows a Platform reaching Ready, and that a request outside them is refused.

Server-side apply creates an object with a PATCH, but the API server authorizes that PATCH as a
`create` too when the object does not exist yet, so every applied kind has both verbs.
*/}}

{{/* Cluster-scoped reads, needed in either mode. */}}
{{- define "quire-operator.clusterRules" -}}
# Nodes: which zones and pools exist (reconcile/platform-operator.ts watches them; reconcile/zones.ts).
- apiGroups: [""]
  resources: [nodes]
  verbs: [list, watch]
# The start-up check that the Platform CRD is installed, and whether the Gateway API and cert-manager
# are (runtime/crd-check.ts, reconcile/platform-operator.ts crdServed): single GETs by name.
- apiGroups: [apiextensions.k8s.io]
  resources: [customresourcedefinitions]
  resourceNames:
    - platforms.platform.quire.dev
    - httproutes.gateway.networking.k8s.io
    - certificates.cert-manager.io
  verbs: [get]
{{- end -}}

{{/* Everything in the namespaces where Platforms live: bound cluster-wide, or per watched namespace. */}}
{{- define "quire-operator.namespacedRules" -}}
# The Platforms themselves: read and cached (runtime/informer.ts), and patched only to add or remove
# the finalizer that guards their topics and schemas (reconcile/finalizer-writer.ts, a JSON patch of
# metadata.finalizers). Never created or deleted.
- apiGroups: [platform.quire.dev]
  resources: [platforms]
  verbs: [get, list, watch, patch]
# The status, written once per reconcile as a merge patch (runtime/status-writer.ts).
- apiGroups: [platform.quire.dev]
  resources: [platforms/status]
  verbs: [patch]
# Owned objects carry an owner reference with blockOwnerDeletion (runtime/ownership.ts), which the
# OwnerReferencesPermissionEnforcement admission plugin allows only with update on the finalizers.
- apiGroups: [platform.quire.dev]
  resources: [platforms/finalizers]
  verbs: [update]
# Pods are watched: readiness and zone feed the status (reconcile/workload-status.ts). Never
# deleted or patched.
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
# Evictions: a scale-down can leave a service's pods 2-1-0 over the zones (the ReplicaSet deletes by
# node, not zone), so the operator evicts one pod of the crowded zone and the scheduler's spread
# constraint places its replacement in the empty one (reconcile/zone-rebalance.ts,
# runtime/eviction.ts). The Eviction API, not a delete, so the PodDisruptionBudget is respected.
- apiGroups: [""]
  resources: [pods/eviction]
  verbs: [create]
# What a Platform renders and owns (render/kinds.ts ownedKinds): cached (list, watch), read when not
# cached (get, runtime/apply.ts), server-side applied (create, patch) and pruned when no longer
# wanted (delete, runtime/prune.ts).
- apiGroups: [""]
  resources: [configmaps, serviceaccounts, services]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, patch, delete]
# HTTPRoutes, only used when the Gateway API CRDs are installed (render/http-route.ts).
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, list, watch, create, patch, delete]
# Secrets: the certificates the operator issues (applied, never deleted: they go with their Platform
# by garbage collection) and the credentials a Platform references (read). Cached only with the
# operator's label (runtime/shared-informers.ts), read by name otherwise (reconcile/certificates.ts).
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, patch]
# cert-manager Certificates, in the cert-manager mTLS mode (pki/cert-manager.ts); never deleted.
- apiGroups: [cert-manager.io]
  resources: [certificates]
  verbs: [get, list, watch, create, patch]
# Events about Platforms: created, then patched as a series (runtime/event-recorder.ts).
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end -}}
