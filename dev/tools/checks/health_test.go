package checks

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// argoHealth runs the health check documented in docs/gitops.md as Argo CD runs it: gopher-lua, with
// the object as the global `obj`, returning a table with `status` and `message`.
func argoHealth(t *testing.T, object map[string]any) (string, string) {
	t.Helper()
	doc, err := os.ReadFile("../../../docs/gitops.md")
	if err != nil {
		t.Fatal(err)
	}
	match := regexp.MustCompile("(?s)```lua\n(.*?)```").FindSubmatch(doc)
	if match == nil {
		t.Fatal("docs/gitops.md has no ```lua block")
	}
	state := lua.NewState(lua.Options{SkipOpenLibs: false})
	defer state.Close()
	state.SetGlobal("obj", toLua(state, object))
	if err := state.DoString(string(match[1])); err != nil {
		t.Fatalf("the health check fails to run: %v", err)
	}
	result, ok := state.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatal("the health check returned no table")
	}
	return result.RawGetString("status").String(), result.RawGetString("message").String()
}

// toLua converts decoded JSON into Lua values, as Argo CD does before calling a health script.
func toLua(state *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case map[string]any:
		table := state.NewTable()
		for key, item := range v {
			table.RawSetString(key, toLua(state, item))
		}
		return table
	case []any:
		table := state.NewTable()
		for _, item := range v {
			table.Append(toLua(state, item))
		}
		return table
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	default:
		return lua.LNil
	}
}

// readyPlatform is a Platform the operator reconciled to Ready on the local cluster: the one the
// RBAC check saved (QUIRE_READY_PLATFORM), else the copy kept in testdata from such a run.
func readyPlatform(t *testing.T) map[string]any {
	t.Helper()
	file := "testdata/platform-ready.json"
	if live := os.Getenv("QUIRE_READY_PLATFORM"); live != "" {
		if _, err := os.Stat(live); err == nil {
			file = live
		}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var object map[string]any
	if err := json.Unmarshal(raw, &object); err != nil {
		t.Fatal(err)
	}
	t.Logf("Ready Platform from %s", file)
	return object
}

// withConditions returns a copy of the Platform whose conditions of the given types are replaced.
func withConditions(t *testing.T, base map[string]any, edit func(conditions map[string]map[string]any), generation int64) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(base)
	var object map[string]any
	_ = json.Unmarshal(raw, &object)
	statusField := object["status"].(map[string]any)
	byType := map[string]map[string]any{}
	var order []string
	for _, item := range statusField["conditions"].([]any) {
		condition := item.(map[string]any)
		byType[condition["type"].(string)] = condition
		order = append(order, condition["type"].(string))
	}
	edit(byType)
	var list []any
	for _, kind := range order {
		if condition, ok := byType[kind]; ok {
			list = append(list, condition)
		}
	}
	for kind, condition := range byType {
		if !contains(order, kind) {
			list = append(list, condition)
		}
	}
	statusField["conditions"] = list
	if generation > 0 {
		object["metadata"].(map[string]any)["generation"] = float64(generation)
	}
	return object
}

func contains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}

func set(conditions map[string]map[string]any, kind, value, reason, message string) {
	conditions[kind] = map[string]any{"type": kind, "status": value, "reason": reason, "message": message}
}

func kstatus(t *testing.T, object map[string]any) status.Status {
	t.Helper()
	// Decoded as the API machinery decodes objects (integers as int64), as Flux's client would.
	raw, err := json.Marshal(object)
	if err != nil {
		t.Fatal(err)
	}
	var resource unstructured.Unstructured
	if err := resource.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	result, err := status.Compute(&resource)
	if err != nil {
		t.Fatal(err)
	}
	return result.Status
}

func TestPlatformHealthAsArgoCDAndFluxSeeIt(t *testing.T) {
	ready := readyPlatform(t)
	generation := int64(ready["metadata"].(map[string]any)["generation"].(float64))
	cases := []struct {
		name    string
		object  map[string]any
		argo    string
		kstatus status.Status // empty: not asserted
	}{
		{"a Platform the operator reconciled to Ready", ready, "Healthy", status.CurrentStatus},
		{"a new Platform as the API server answers it before the operator's first status", map[string]any{
			"apiVersion": "platform.quire.dev/v1alpha1", "kind": "Platform",
			"metadata": map[string]any{"name": "quire", "namespace": "q", "generation": float64(1)},
			// The CRD's status default (operator/src/api/crd.ts).
			"status": map[string]any{"observedGeneration": float64(0)},
		}, "Progressing", status.InProgressStatus},
		{"a Platform with no status at all (a CRD from before that default)", map[string]any{
			"apiVersion": "platform.quire.dev/v1alpha1", "kind": "Platform",
			"metadata": map[string]any{"name": "quire", "namespace": "q", "generation": float64(1)},
		}, "Progressing", status.CurrentStatus}, // kstatus cannot tell without a status: see docs/gitops.md
		{"a Platform whose new generation the operator has not observed", withConditions(t, ready, func(map[string]map[string]any) {}, generation+1),
			"Progressing", status.InProgressStatus},
		{"a Platform converging", withConditions(t, ready, func(c map[string]map[string]any) {
			set(c, "Ready", "False", "Progressing", "WorkloadsReady: 3/7 services ready")
			set(c, "Reconciling", "True", "Progressing", "WorkloadsReady: 3/7 services ready")
			set(c, "Stalled", "False", "Progressing", "Progressing")
		}, 0), "Progressing", status.InProgressStatus},
		{"a Platform whose reconcile failed and is retried", withConditions(t, ready, func(c map[string]map[string]any) {
			set(c, "Ready", "False", "ReconcileFailed", "Reconciling generation 1 failed and will be retried")
			set(c, "Reconciling", "True", "ReconcileFailed", "Reconciling generation 1 failed and will be retried")
			set(c, "Stalled", "False", "ReconcileFailed", "Retrying")
		}, 0), "Progressing", status.InProgressStatus},
		{"a stalled Platform", withConditions(t, ready, func(c map[string]map[string]any) {
			set(c, "Ready", "False", "SecretNotFound", "Secret quire-postgres-admin does not exist")
			set(c, "Reconciling", "False", "SecretNotFound", "Stalled: a change by a person is needed")
			set(c, "Stalled", "True", "SecretNotFound", "Secret quire-postgres-admin does not exist")
		}, 0), "Degraded", status.FailedStatus},
		{"a paused Platform", withConditions(t, ready, func(c map[string]map[string]any) {
			set(c, "ReconciliationPaused", "True", "Paused", "spec.paused is true")
		}, 0), "Suspended", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			health, message := argoHealth(t, tc.object)
			if health != tc.argo {
				t.Errorf("Argo CD health %q (%s), want %q", health, message, tc.argo)
			}
			if tc.kstatus != "" {
				if got := kstatus(t, tc.object); got != tc.kstatus {
					t.Errorf("kstatus %q, want %q", got, tc.kstatus)
				}
			}
		})
	}
}
