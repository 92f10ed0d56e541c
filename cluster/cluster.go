package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
)

// Backplane connects the nodes of one deployment: it knows which node holds
// which charge point's socket (presence) and carries requests from one node
// to another (routing). Its methods are safe for concurrent use.
//
// A node joins with Join and leaves with Leave. While it is a member, its
// claims are kept alive by a node-level heartbeat (one write per node and
// period, however many charge points it holds); when the node dies, its
// heartbeat stops and every claim it made expires with it. A node that
// joins again gets a new incarnation: claims of its previous life do not
// count, even before they expire.
//
// Implementations: Memory (one process, several nodes: tests and
// examples), rediscluster (Redis pub/sub and keys with a TTL) and pgcluster
// (PostgreSQL LISTEN/NOTIFY and tables). Each passes clustertest.Exercise.
type Backplane interface {
	// Join makes node a member: requests addressed to it are passed to h,
	// each on its own goroutine, and its heartbeat runs until Leave or until
	// ctx ends. Cancelling ctx is a crash: the node stops receiving and
	// heartbeating, and its claims expire with the TTL instead of being
	// removed. Join returns once node can receive requests.
	//
	// A node name is unique among live nodes: Join returns an error
	// wrapping ErrJoined when a live node uses it already, on this
	// Backplane or on any other instance of the deployment (another
	// process). Liveness is the engine's: a node is live while its
	// connection is (a crashed process's name is free as soon as the engine
	// has seen its connection close; Join waits a moment for that). Of
	// several processes joining under one name at once, one succeeds.
	Join(ctx context.Context, node string, h Handler) error
	// Leave ends node's membership gracefully: its claims are removed, its
	// presence is dropped at once and it stops receiving requests.
	Leave(ctx context.Context, node string) error

	// Claim records node (joined on this Backplane) as the holder of
	// identity's socket. It returns the node that held it before when that
	// node is another live member (so the caller can tell it to close its
	// socket), or "". The swap is atomic: of two nodes claiming at once,
	// exactly one learns about the other.
	Claim(ctx context.Context, identity, node string) (previous string, err error)
	// Release removes node's claim on identity, if it is still node's (of
	// this incarnation). A claim another node made since is left alone.
	Release(ctx context.Context, identity, node string) error
	// Owner returns the live node that holds identity's socket, or an error
	// wrapping ErrNoOwner.
	Owner(ctx context.Context, identity string) (string, error)

	// Send passes req to node's Handler and returns its result. Errors the
	// Handler returns cross the network as described on Reply. Send waits
	// until ctx ends; it returns an error wrapping ErrNodeUnavailable when
	// it can tell at once that node is not a member (Memory and Redis can;
	// PostgreSQL cannot, and ctx ends instead). The remaining time of ctx
	// is passed to the Handler as Request.Timeout.
	Send(ctx context.Context, node string, req Request) (json.RawMessage, error)
}

// Kind says what a Request asks for.
type Kind string

const (
	// KindCall asks the node to send a CALL to a charge point connected to
	// it and to return the CALLRESULT payload.
	KindCall Kind = "call"
	// KindDrop asks the node to close its socket of the charge point
	// (another node has taken it over) and to return once that
	// connection's Disconnected hook has run.
	KindDrop Kind = "drop"
)

// Request is what one node asks of another.
type Request struct {
	Kind     Kind            `json:"kind"`
	Identity string          `json:"identity"`
	Action   string          `json:"action,omitempty"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	// Timeout is how long the sender waits for the reply (set by Send from
	// its context's deadline; 0 means no deadline). The receiving node
	// gives its Handler a context with this timeout.
	Timeout time.Duration `json:"timeout,omitempty"`
}

// Handler serves the requests addressed to a node.
type Handler interface {
	ServeRequest(ctx context.Context, req Request) (json.RawMessage, error)
}

// HandlerFunc adapts a function to the Handler interface.
type HandlerFunc func(ctx context.Context, req Request) (json.RawMessage, error)

// ServeRequest calls f.
func (f HandlerFunc) ServeRequest(ctx context.Context, req Request) (json.RawMessage, error) {
	return f(ctx, req)
}

// Errors of the backplanes.
var (
	// ErrNoOwner is returned by Owner when no live node holds the charge
	// point's socket.
	ErrNoOwner = errors.New("cluster: no node holds the charge point")
	// ErrNodeUnavailable is returned by Send when the node is not a member.
	ErrNodeUnavailable = errors.New("cluster: node unavailable")
	// ErrNotJoined is returned by Claim, Release and Leave for a node that
	// has not joined this Backplane.
	ErrNotJoined = errors.New("cluster: node has not joined")
	// ErrJoined is returned by Join when a live node already uses the
	// name, in this process or another one.
	ErrJoined = errors.New("cluster: node already joined")
	// ErrClosed is returned after the Backplane was closed.
	ErrClosed = errors.New("cluster: backplane closed")
)

// Reply is a Handler's result as it crosses the network: the payload, or
// an error. Adapters encode the Handler's result with NewReply and decode
// it with Result, so that errors keep their meaning on the other node:
// *ocpp.Error (a CALLERROR), and errors wrapping ocpp.ErrNotConnected,
// ocpp.ErrTimeout, ocpp.ErrClosed or ocpp.ErrCallQueueFull remain so; any
// other error arrives as an error with its text.
type Reply struct {
	Payload json.RawMessage `json:"payload,omitempty"`
	Error   *ReplyError     `json:"error,omitempty"`
}

// ReplyError is the encoded error of a Reply.
type ReplyError struct {
	// Kind is one of "call_error", "not_connected", "timeout", "closed",
	// "queue_full" or "other".
	Kind        string          `json:"kind"`
	Code        ocpp.ErrorCode  `json:"code,omitempty"`
	Description string          `json:"description,omitempty"`
	Details     json.RawMessage `json:"details,omitempty"`
}

// NewReply encodes a Handler's result.
func NewReply(payload json.RawMessage, err error) Reply {
	if err == nil {
		if len(payload) == 0 {
			payload = json.RawMessage("{}")
		}
		return Reply{Payload: payload}
	}
	re := &ReplyError{Kind: "other", Description: err.Error()}
	var oe *ocpp.Error
	switch {
	case errors.As(err, &oe):
		re = &ReplyError{Kind: "call_error", Code: oe.Code, Description: oe.Description, Details: oe.Details}
	case errors.Is(err, ocpp.ErrNotConnected):
		re.Kind = "not_connected"
	case errors.Is(err, ocpp.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		re.Kind = "timeout"
	case errors.Is(err, ocpp.ErrClosed):
		re.Kind = "closed"
	case errors.Is(err, ocpp.ErrCallQueueFull):
		re.Kind = "queue_full"
	}
	return Reply{Error: re}
}

// Result decodes the Handler's result.
func (r Reply) Result() (json.RawMessage, error) {
	e := r.Error
	if e == nil {
		return r.Payload, nil
	}
	switch e.Kind {
	case "call_error":
		return nil, &ocpp.Error{Code: e.Code, Description: e.Description, Details: e.Details}
	case "not_connected":
		return nil, fmt.Errorf("%w (on the node holding it: %s)", ocpp.ErrNotConnected, e.Description)
	case "timeout":
		return nil, fmt.Errorf("%w (on the node holding it: %s)", ocpp.ErrTimeout, e.Description)
	case "closed":
		return nil, fmt.Errorf("%w (on the node holding it: %s)", ocpp.ErrClosed, e.Description)
	case "queue_full":
		return nil, fmt.Errorf("%w (on the node holding it: %s)", ocpp.ErrCallQueueFull, e.Description)
	}
	return nil, fmt.Errorf("cluster: remote node: %s", e.Description)
}

// Serve runs h for a request received from the network and encodes its
// result, bounding it by req.Timeout and recovering a panic. Adapters call
// it on the receiving node.
func Serve(ctx context.Context, h Handler, req Request) (reply Reply) {
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	defer func() {
		if v := recover(); v != nil {
			reply = NewReply(nil, fmt.Errorf("cluster: handler panicked: %v", v))
		}
	}()
	return NewReply(h.ServeRequest(ctx, req))
}

// TimeoutOf returns the time left until ctx's deadline (at least a
// millisecond), or 0 when ctx has none: the Request.Timeout Send sets.
func TimeoutOf(ctx context.Context) time.Duration {
	d, ok := ctx.Deadline()
	if !ok {
		return 0
	}
	return max(time.Until(d), time.Millisecond)
}

// SendError maps the end of a Send's context to the errors of a call: a
// passed deadline wraps ocpp.ErrTimeout and context.DeadlineExceeded.
func SendError(ctx context.Context, node string) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: no reply from node %q: %w", ocpp.ErrTimeout, node, err)
	}
	return err
}
