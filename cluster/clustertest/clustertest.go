package clustertest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/ocpp"
)

// Deployment is one isolated deployment under test (its own key prefix,
// schema and channel names).
type Deployment struct {
	// New returns a Backplane instance of the deployment, as one process
	// would hold it; instances of one deployment see each other's nodes.
	// It registers the instance's cleanup with t.Cleanup. An in-process
	// backplane may return the same instance every time.
	New func() cluster.Backplane
	// TTL is the instances' TTL: short (at most a second or two) so that
	// the expiry tests run quickly.
	TTL time.Duration
}

// Timeouts of the suite: the adapters cross a network.
const (
	waitTimeout = 10 * time.Second
	// expiryTimeout bounds the wait for a crashed node's claims to expire,
	// on top of the TTL.
	expiryTimeout = 30 * time.Second
)

// Exercise runs the suite. newDeployment is called once per subtest.
func Exercise(t *testing.T, newDeployment func(t *testing.T) Deployment) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, d Deployment)
	}{
		{"ClaimOwnerRelease", testClaimOwnerRelease},
		{"TakeoverReturnsPrevious", testTakeover},
		{"ReleaseKeepsNewerClaim", testReleaseKeepsNewer},
		{"ConcurrentClaimsOneLearnsOfTheOther", testConcurrentClaims},
		{"NotJoined", testNotJoined},
		{"SendCall", testSendCall},
		{"SendErrors", testSendErrors},
		{"SendLargePayload", testSendLarge},
		{"SendConcurrent", testSendConcurrent},
		{"SendToUnknownNode", testSendUnknown},
		{"SendHonoursContext", testSendContext},
		{"LeaveRemovesPresence", testLeave},
		{"ClaimsLiveWhileNodeLives", testClaimsLive},
		{"CrashExpires", testCrash},
		{"RejoinIsNewIncarnation", testRejoin},
		{"LiveNameRefused", testLiveNameRefused},
		{"ConcurrentJoinsOneWins", testConcurrentJoins},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newDeployment(t))
		})
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// nodeName returns a node name unique to the test.
func nodeName(t *testing.T, name string) string {
	return name + "-" + strings.ToLower(rand.Text()[:8])
}

// join joins node on b with h (echo by default) and leaves at cleanup.
func join(t *testing.T, b cluster.Backplane, node string, h cluster.Handler) context.CancelFunc {
	t.Helper()
	if h == nil {
		h = echo(node)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := b.Join(ctx, node, h); err != nil {
		cancel()
		t.Fatalf("Join(%s): %v", node, err)
	}
	t.Cleanup(func() {
		_ = b.Leave(context.Background(), node)
		cancel()
	})
	return cancel
}

// twoNodes returns two instances of d, with node a joined on the first
// (with h, echo by default) and node bn on the second (echo).
func twoNodes(t *testing.T, d Deployment, h cluster.Handler) (b1, b2 cluster.Backplane, a, bn string) {
	t.Helper()
	b1, b2 = d.New(), d.New()
	a, bn = nodeName(t, "a"), nodeName(t, "b")
	join(t, b1, a, h)
	join(t, b2, bn, nil)
	return b1, b2, a, bn
}

// echo answers {"node":…,"action":…,"payload":…}.
func echo(node string) cluster.Handler {
	return cluster.HandlerFunc(func(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
		return json.Marshal(map[string]any{"node": node, "kind": req.Kind, "identity": req.Identity, "action": req.Action, "payload": req.Payload})
	})
}

func owner(t *testing.T, b cluster.Backplane, identity string) string {
	t.Helper()
	o, err := b.Owner(ctxT(t), identity)
	if errors.Is(err, cluster.ErrNoOwner) {
		return ""
	}
	if err != nil {
		t.Fatalf("Owner(%s): %v", identity, err)
	}
	return o
}

func claim(t *testing.T, b cluster.Backplane, identity, node string) string {
	t.Helper()
	prev, err := b.Claim(ctxT(t), identity, node)
	if err != nil {
		t.Fatalf("Claim(%s, %s): %v", identity, node, err)
	}
	return prev
}

func testClaimOwnerRelease(t *testing.T, d Deployment) {
	b := d.New()
	a := nodeName(t, "a")
	join(t, b, a, nil)
	if _, err := b.Owner(ctxT(t), "cp-1"); !errors.Is(err, cluster.ErrNoOwner) {
		t.Fatalf("Owner of an unclaimed charge point = %v, want ErrNoOwner", err)
	}
	if prev := claim(t, b, "cp-1", a); prev != "" {
		t.Errorf("first Claim returned previous %q", prev)
	}
	if o := owner(t, b, "cp-1"); o != a {
		t.Errorf("Owner = %q, want %q", o, a)
	}
	if prev := claim(t, b, "cp-1", a); prev != "" {
		t.Errorf("Claim again by the same node returned previous %q", prev)
	}
	if o := owner(t, b, "cp-2"); o != "" {
		t.Errorf("Owner of another charge point = %q", o)
	}
	if err := b.Release(ctxT(t), "cp-1", a); err != nil {
		t.Fatal(err)
	}
	if o := owner(t, b, "cp-1"); o != "" {
		t.Errorf("Owner after Release = %q", o)
	}
	if err := b.Release(ctxT(t), "cp-1", a); err != nil {
		t.Errorf("Release of a released claim: %v", err)
	}
}

func testTakeover(t *testing.T, d Deployment) {
	b1, b2, a, bn := twoNodes(t, d, nil)
	claim(t, b1, "cp", a)
	if prev := claim(t, b2, "cp", bn); prev != a {
		t.Errorf("Claim by B returned previous %q, want %q", prev, a)
	}
	for _, b := range []cluster.Backplane{b1, b2} {
		if o := owner(t, b, "cp"); o != bn {
			t.Errorf("Owner = %q, want %q", o, bn)
		}
	}
	if prev := claim(t, b1, "cp", a); prev != bn {
		t.Errorf("Claim back by A returned previous %q, want %q", prev, bn)
	}
}

func testReleaseKeepsNewer(t *testing.T, d Deployment) {
	b1, b2, a, bn := twoNodes(t, d, nil)
	claim(t, b1, "cp", a)
	claim(t, b2, "cp", bn)
	// A's socket closes late, after B took over: B's claim stays.
	if err := b1.Release(ctxT(t), "cp", a); err != nil {
		t.Fatal(err)
	}
	if o := owner(t, b1, "cp"); o != bn {
		t.Errorf("Owner after the old node's Release = %q, want %q", o, bn)
	}
}

func testConcurrentClaims(t *testing.T, d Deployment) {
	b1, b2, a, bn := twoNodes(t, d, nil)
	for i := range 20 {
		id := fmt.Sprintf("cp-%d", i)
		var prevA, prevB string
		var errA, errB error
		var wg sync.WaitGroup
		wg.Go(func() { prevA, errA = b1.Claim(ctxT(t), id, a) })
		wg.Go(func() { prevB, errB = b2.Claim(ctxT(t), id, bn) })
		wg.Wait()
		if errA != nil || errB != nil {
			t.Fatalf("Claim: %v, %v", errA, errB)
		}
		o := owner(t, b1, id)
		switch {
		case o == a && prevA == bn && prevB == "":
		case o == bn && prevB == a && prevA == "":
		default:
			t.Fatalf("%s: owner %q, A's Claim returned %q, B's %q: the later claimer must learn of the earlier one, and only it", id, o, prevA, prevB)
		}
	}
}

func testNotJoined(t *testing.T, d Deployment) {
	b := d.New()
	a := nodeName(t, "a")
	if _, err := b.Claim(ctxT(t), "cp", a); !errors.Is(err, cluster.ErrNotJoined) {
		t.Errorf("Claim by a node that has not joined = %v", err)
	}
	if err := b.Leave(ctxT(t), a); !errors.Is(err, cluster.ErrNotJoined) {
		t.Errorf("Leave of a node that has not joined = %v", err)
	}
	join(t, b, a, nil)
	if err := b.Join(ctxT(t), a, echo(a)); !errors.Is(err, cluster.ErrJoined) {
		t.Errorf("second Join = %v, want ErrJoined", err)
	}
}

func testSendCall(t *testing.T, d Deployment) {
	got := make(chan cluster.Request, 1)
	var deadline time.Duration
	b1, b2, a, _ := twoNodes(t, d, cluster.HandlerFunc(func(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
		if d, ok := ctx.Deadline(); ok {
			deadline = time.Until(d)
		}
		got <- req
		return json.RawMessage(`{"status":"Accepted"}`), nil
	}))
	ctx, cancel := context.WithTimeout(ctxT(t), 20*time.Second)
	defer cancel()
	res, err := b2.Send(ctx, a, cluster.Request{Kind: cluster.KindCall, Identity: "CP-1", Action: "RemoteStartTransaction", Payload: json.RawMessage(`{"idTag":"X"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(res) != `{"status":"Accepted"}` {
		t.Errorf("reply = %s", res)
	}
	req := <-got
	if req.Kind != cluster.KindCall || req.Identity != "CP-1" || req.Action != "RemoteStartTransaction" || string(req.Payload) != `{"idTag":"X"}` {
		t.Errorf("request received = %+v", req)
	}
	if deadline <= 0 || deadline > 20*time.Second {
		t.Errorf("handler's deadline in %v, want within the sender's 20s", deadline)
	}
	// A node sends to itself too.
	if _, err := b1.Send(ctxT(t), a, cluster.Request{Kind: cluster.KindDrop, Identity: "CP-1"}); err != nil {
		t.Errorf("Send to a node of the same instance: %v", err)
	}
}

func testSendErrors(t *testing.T, d Deployment) {
	errs := map[string]error{
		"call_error":    &ocpp.Error{Code: ocpp.NotSupported, Description: "no", Details: json.RawMessage(`{"x":1}`)},
		"not_connected": fmt.Errorf("%w: %q", ocpp.ErrNotConnected, "CP"),
		"timeout":       fmt.Errorf("%w: no reply", ocpp.ErrTimeout),
		"closed":        ocpp.ErrClosed,
		"queue_full":    ocpp.ErrCallQueueFull,
		"other":         errors.New("disk on fire"),
		"empty":         nil,
	}
	_, b2, a, _ := twoNodes(t, d, cluster.HandlerFunc(func(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
		if req.Action == "panic" {
			panic("boom")
		}
		return nil, errs[req.Action]
	}))
	tests := []struct {
		name  string
		check func(err error) bool
	}{
		{"call_error", func(err error) bool {
			var oe *ocpp.Error
			return errors.As(err, &oe) && oe.Code == ocpp.NotSupported && oe.Description == "no" && string(oe.Details) == `{"x":1}`
		}},
		{"not_connected", func(err error) bool { return errors.Is(err, ocpp.ErrNotConnected) }},
		{"timeout", func(err error) bool { return errors.Is(err, ocpp.ErrTimeout) }},
		{"closed", func(err error) bool { return errors.Is(err, ocpp.ErrClosed) }},
		{"queue_full", func(err error) bool { return errors.Is(err, ocpp.ErrCallQueueFull) }},
		{"other", func(err error) bool { return err != nil && strings.Contains(err.Error(), "disk on fire") }},
		{"panic", func(err error) bool { return err != nil && strings.Contains(err.Error(), "panic") }},
		{"empty", func(err error) bool { return err == nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := b2.Send(ctxT(t), a, cluster.Request{Kind: cluster.KindCall, Identity: "CP", Action: tt.name})
			if !tt.check(err) {
				t.Errorf("Send = %s, %v", res, err)
			}
			if tt.name == "empty" && string(res) != "{}" {
				t.Errorf("empty reply = %q, want {}", res)
			}
		})
	}
}

func testSendLarge(t *testing.T, d Deployment) {
	_, b2, a, _ := twoNodes(t, d, cluster.HandlerFunc(func(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
		return req.Payload, nil // echo the payload back: large both ways
	}))
	for _, size := range []int{100, 7900, 8100, 64 << 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			payload, _ := json.Marshal(map[string]string{"data": strings.Repeat("x", size)})
			res, err := b2.Send(ctxT(t), a, cluster.Request{Kind: cluster.KindCall, Identity: "CP", Action: "DataTransfer", Payload: payload})
			if err != nil {
				t.Fatal(err)
			}
			if string(res) != string(payload) {
				t.Errorf("reply of %d bytes differs from the %d bytes sent", len(res), len(payload))
			}
		})
	}
}

func testSendConcurrent(t *testing.T, d Deployment) {
	b1, b2, b3 := d.New(), d.New(), d.New()
	a, bn, c := nodeName(t, "a"), nodeName(t, "b"), nodeName(t, "c")
	join(t, b1, a, nil)
	join(t, b2, bn, nil)
	join(t, b3, c, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 100 {
		from, to, toName := b2, b1, a
		if i%2 == 1 {
			from, to, toName = b3, b2, bn
		}
		_ = to
		wg.Go(func() {
			payload := json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))
			res, err := from.Send(ctxT(t), toName, cluster.Request{Kind: cluster.KindCall, Identity: fmt.Sprint("cp-", i), Action: "A", Payload: payload})
			if err != nil {
				errs <- err
				return
			}
			var got struct {
				Node     string          `json:"node"`
				Identity string          `json:"identity"`
				Payload  json.RawMessage `json:"payload"`
			}
			if err := json.Unmarshal(res, &got); err != nil || got.Node != toName || got.Identity != fmt.Sprint("cp-", i) || string(got.Payload) != string(payload) {
				errs <- fmt.Errorf("request %d got reply %s (%v)", i, res, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func testSendUnknown(t *testing.T, d Deployment) {
	b := d.New()
	a := nodeName(t, "a")
	join(t, b, a, nil)
	ctx, cancel := context.WithTimeout(ctxT(t), 2*time.Second)
	defer cancel()
	_, err := b.Send(ctx, nodeName(t, "nobody"), cluster.Request{Kind: cluster.KindCall, Identity: "CP"})
	if !errors.Is(err, cluster.ErrNodeUnavailable) && !errors.Is(err, ocpp.ErrTimeout) {
		t.Errorf("Send to an unknown node = %v, want ErrNodeUnavailable or ocpp.ErrTimeout", err)
	}
}

func testSendContext(t *testing.T, d Deployment) {
	b1, b2 := d.New(), d.New()
	a, bn := nodeName(t, "a"), nodeName(t, "b")
	// Registered after d.New: runs before the instances' Close, which
	// waits for this handler.
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	join(t, b1, a, cluster.HandlerFunc(func(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
		<-release // ignores ctx: the sender's deadline must end the Send
		return nil, nil
	}))
	join(t, b2, bn, nil)
	ctx, cancel := context.WithTimeout(ctxT(t), 300*time.Millisecond)
	defer cancel()
	_, err := b2.Send(ctx, a, cluster.Request{Kind: cluster.KindCall, Identity: "CP"})
	if !errors.Is(err, ocpp.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send past its deadline = %v, want ocpp.ErrTimeout and context.DeadlineExceeded", err)
	}
	ctx, cancel = context.WithCancel(ctxT(t))
	cancel()
	if _, err := b2.Send(ctx, a, cluster.Request{Kind: cluster.KindCall, Identity: "CP"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v", err)
	}
}

func testLeave(t *testing.T, d Deployment) {
	b1, b2, a, bn := twoNodes(t, d, nil)
	for i := range 5 {
		claim(t, b1, fmt.Sprint("cp-", i), a)
	}
	if err := b1.Leave(ctxT(t), a); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if o := owner(t, b2, fmt.Sprint("cp-", i)); o != "" {
			t.Errorf("cp-%d: Owner after its node left = %q", i, o)
		}
	}
	if prev := claim(t, b2, "cp-0", bn); prev != "" {
		t.Errorf("Claim after the old node left returned previous %q", prev)
	}
	ctx, cancel := context.WithTimeout(ctxT(t), 2*time.Second)
	defer cancel()
	if _, err := b2.Send(ctx, a, cluster.Request{Kind: cluster.KindCall, Identity: "cp-0"}); err == nil {
		t.Error("Send to a node that left succeeded")
	}
	// The name may join again.
	join(t, b1, a, nil)
	if _, err := b2.Send(ctxT(t), a, cluster.Request{Kind: cluster.KindCall, Identity: "cp-0"}); err != nil {
		t.Errorf("Send to the node joined again: %v", err)
	}
}

func testClaimsLive(t *testing.T, d Deployment) {
	b1, b2, a, _ := twoNodes(t, d, nil)
	claim(t, b1, "cp", a)
	// Watch the claim over three TTLs: the heartbeat keeps it.
	end := time.After(3 * d.TTL)
	tick := time.NewTicker(d.TTL / 5)
	defer tick.Stop()
	for {
		select {
		case <-end:
			return
		case <-tick.C:
			if o := owner(t, b2, "cp"); o != a {
				t.Fatalf("Owner = %q while its node lives, want %q", o, a)
			}
		}
	}
}

// waitNoOwner polls until identity has no owner (the TTL runs out).
func waitNoOwner(t *testing.T, b cluster.Backplane, identity string, ttl time.Duration) {
	t.Helper()
	deadline := time.After(ttl + expiryTimeout)
	tick := time.NewTicker(ttl / 10)
	defer tick.Stop()
	for owner(t, b, identity) != "" {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("claim on %s did not expire within %v of its node's crash", identity, ttl+expiryTimeout)
		}
	}
}

func testCrash(t *testing.T, d Deployment) {
	b1, b2 := d.New(), d.New()
	a, bn := nodeName(t, "a"), nodeName(t, "b")
	crash := join(t, b1, a, nil)
	join(t, b2, bn, nil)
	claim(t, b1, "cp-1", a)
	claim(t, b1, "cp-2", a)
	crashed := time.Now()
	crash() // no Leave: the claims stay until the TTL runs out
	// Within the TTL, a node claiming it learns of A (and its drop
	// request fails or times out).
	if prev := claim(t, b2, "cp-1", bn); prev != a && time.Since(crashed) < d.TTL/2 {
		t.Errorf("Claim right after the crash returned previous %q, want %q", prev, a)
	}
	waitNoOwner(t, b2, "cp-2", d.TTL)
	if prev := claim(t, b2, "cp-2", bn); prev != "" {
		t.Errorf("Claim after expiry returned previous %q", prev)
	}
	if o := owner(t, b2, "cp-1"); o != bn {
		t.Errorf("Owner of the taken-over charge point = %q, want %q", o, bn)
	}
	ctx, cancel := context.WithTimeout(ctxT(t), 2*time.Second)
	defer cancel()
	if _, err := b2.Send(ctx, a, cluster.Request{Kind: cluster.KindCall, Identity: "cp-1"}); err == nil {
		t.Error("Send to a crashed node succeeded")
	}
}

func testRejoin(t *testing.T, d Deployment) {
	b1, b2 := d.New(), d.New()
	a := nodeName(t, "a")
	crash := join(t, b1, a, nil)
	claim(t, b1, "cp", a)
	crash()
	// A restarts at once, in a new process, under the same name: the
	// claims of its previous life do not count, TTL or not.
	got := make(chan cluster.Request, 1)
	join(t, b2, a, cluster.HandlerFunc(func(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
		got <- req
		return nil, nil
	}))
	if o := owner(t, b2, "cp"); o != "" {
		t.Errorf("Owner after the node restarted = %q, want none", o)
	}
	if prev := claim(t, b2, "cp", a); prev != "" {
		t.Errorf("Claim by the restarted node returned previous %q", prev)
	}
	if o := owner(t, b1, "cp"); o != a {
		t.Errorf("Owner = %q, want %q", o, a)
	}
	if _, err := b1.Send(ctxT(t), a, cluster.Request{Kind: cluster.KindCall, Identity: "cp"}); err != nil {
		t.Fatalf("Send to the restarted node: %v", err)
	}
	select {
	case <-got:
	case <-time.After(waitTimeout):
		t.Error("the restarted node's handler did not receive the request")
	}
}

// testLiveNameRefused: a node name is unique among live nodes. A second
// process joining under the name of a live node is refused with ErrJoined
// (two nodes under one name would receive each other's requests and claims);
// once the first has left, the name is free again.
func testLiveNameRefused(t *testing.T, d Deployment) {
	b1, b2 := d.New(), d.New()
	a := nodeName(t, "a")
	join(t, b1, a, nil)
	claim(t, b1, "cp", a)
	err := b2.Join(ctxT(t), a, echo("impostor"))
	if !errors.Is(err, cluster.ErrJoined) {
		t.Fatalf("Join under the name of a live node = %v, want ErrJoined", err)
	}
	t.Log(err)
	// The live node is unharmed: it keeps its claim and its requests.
	if o := owner(t, b2, "cp"); o != a {
		t.Errorf("Owner after the refused Join = %q, want %q", o, a)
	}
	res, err := b2.Send(ctxT(t), a, cluster.Request{Kind: cluster.KindCall, Identity: "cp"})
	if err != nil || !strings.Contains(string(res), `"node":"`+a+`"`) {
		t.Errorf("Send after the refused Join = %s, %v; want the live node's reply", res, err)
	}
	if err := b1.Leave(ctxT(t), a); err != nil {
		t.Fatal(err)
	}
	join(t, b2, a, nil)
}

// testConcurrentJoins: of two processes joining under one name at the same
// moment, exactly one succeeds.
func testConcurrentJoins(t *testing.T, d Deployment) {
	b1, b2 := d.New(), d.New()
	for i := range 5 {
		name := nodeName(t, fmt.Sprint("n", i))
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		var err1, err2 error
		var wg sync.WaitGroup
		wg.Go(func() { err1 = b1.Join(ctx, name, echo(name)) })
		wg.Go(func() { err2 = b2.Join(ctx, name, echo(name)) })
		wg.Wait()
		joined := 0
		for _, j := range []struct {
			b   cluster.Backplane
			err error
		}{{b1, err1}, {b2, err2}} {
			switch {
			case j.err == nil:
				joined++
				t.Cleanup(func() { _ = j.b.Leave(context.Background(), name) })
			case !errors.Is(j.err, cluster.ErrJoined):
				t.Errorf("%s: Join = %v, want nil or ErrJoined", name, j.err)
			}
		}
		if joined != 1 {
			t.Errorf("%s: %d of two concurrent Joins under one name succeeded (%v, %v), want exactly one", name, joined, err1, err2)
		}
	}
}
