package heaplimit

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// When the live heap outgrows the budget, the limit rises after a collection to the
// live heap over Headroom; it never falls below the budget.
func TestSetRaisesLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	const budget = 8 << 20
	Set(budget)
	if got := Limit(); got != budget {
		t.Fatalf("limit %d after Set(%d)", got, budget)
	}
	// 64 MiB live, eight times the budget
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20)
		live[i][0] = 1
	}
	want := int64(float64(60<<20) / Headroom)
	// the finalizer that raises the limit runs after a collection, on its own goroutine
	for deadline := time.Now().Add(20 * time.Second); Limit() < want; {
		if time.Now().After(deadline) {
			t.Fatalf("limit %d with 64 MiB live, want at least %d", Limit(), want)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got != Limit() {
		t.Errorf("the runtime's limit is %d, Set holds %d", got, Limit())
	}
	runtime.KeepAlive(live)
	Set(budget)
	if got := Limit(); got != budget {
		t.Errorf("limit %d after Set(%d) again", got, budget)
	}
}
