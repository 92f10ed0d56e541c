package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrClosed is returned by Publish and Subscribe after a broadcaster was closed.
var ErrClosed = errors.New("broadcast: closed")

// ErrNoTopics is returned by Subscribe when it is called without a topic.
var ErrNoTopics = errors.New("broadcast: no topics")

// Message is one published event as a subscriber receives it.
//
// Data is shared by every subscriber of the message: treat it as read-only.
type Message struct {
	// ID identifies the message within its broadcaster. Broadcasters that
	// implement Replayer accept it as the afterID of Replay (the SSE handler
	// sends it as the event id, so a reconnecting browser resumes after it).
	ID string
	// Topic is the topic the message was published to.
	Topic string
	// Data is the JSON payload given to Publish.
	Data json.RawMessage
	// Time is when the message was published.
	Time time.Time
}

// Broadcaster carries JSON events from publishers to the subscribers of a
// topic. Implementations are safe for concurrent use.
//
// Delivery is at most once: a subscriber that does not keep up loses
// messages rather than slowing the publisher, and a multi-node broadcaster
// loses what is published while its backplane connection is down. Messages a
// single goroutine publishes to one topic arrive in the order published.
type Broadcaster interface {
	// Publish sends data to the current subscribers of topic. It never
	// blocks on subscribers; it may do network I/O bounded by ctx. data must
	// be valid JSON and must not be modified after the call.
	Publish(ctx context.Context, topic string, data json.RawMessage) error
	// Subscribe returns a channel receiving the messages published to any of
	// topics after Subscribe returns. The channel is closed when ctx ends
	// (or the broadcaster is closed); cancel ctx to unsubscribe.
	Subscribe(ctx context.Context, topics ...string) (<-chan Message, error)
}

// Replayer is an optional capability of a Broadcaster (found by type
// assertion): it returns the retained messages of topic published after the
// message with id afterID, oldest first. An empty afterID returns every
// retained message. Retention is bounded, so older messages may be missing.
type Replayer interface {
	Replay(ctx context.Context, topic, afterID string) ([]Message, error)
}

// PublishJSON marshals v and publishes it to topic.
func PublishJSON(ctx context.Context, b Broadcaster, topic string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("broadcast: marshal %s: %w", topic, err)
	}
	return b.Publish(ctx, topic, data)
}

// Envelope is what AllChargePointsTopic carries: one charge point event with
// enough context to route it.
//
//	{"topic":"charge_point_7_status","charge_point_id":7,"kind":"status","data":{…}}
type Envelope struct {
	Topic         string          `json:"topic"`           // the per-charge-point topic, e.g. charge_point_7_status
	ChargePointID uint            `json:"charge_point_id"` // the charge point's database id
	Kind          string          `json:"kind"`            // KindStatus, KindSessions, …
	Data          json.RawMessage `json:"data"`            // the event as published to Topic
}

// PublishEvent publishes v (marshalled once) to the charge point's topic of
// kind, ChargePointTopic(chargePointID, kind), and wrapped in an Envelope to
// AllChargePointsTopic. Both publishes are attempted; the errors are joined.
//
// When b says, as a Watcher, that a topic reaches no one, that publish is
// skipped, and when neither topic does v is not even encoded: events cost
// nothing until someone listens.
func PublishEvent(ctx context.Context, b Broadcaster, chargePointID uint, kind string, v any) error {
	topic := ChargePointTopic(chargePointID, kind)
	toTopic, toAll := true, true
	if w, ok := b.(Watcher); ok {
		toTopic, toAll = w.Watched(b, topic), w.Watched(b, AllChargePointsTopic)
		if !toTopic && !toAll {
			return nil
		}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("broadcast: marshal %s: %w", topic, err)
	}
	var errTopic, errAll error
	if toTopic {
		errTopic = b.Publish(ctx, topic, data)
	}
	if toAll {
		env, err := json.Marshal(Envelope{Topic: topic, ChargePointID: chargePointID, Kind: kind, Data: data})
		if err != nil {
			return fmt.Errorf("broadcast: marshal envelope of %s: %w", topic, err)
		}
		errAll = b.Publish(ctx, AllChargePointsTopic, env)
	}
	return errors.Join(errTopic, errAll)
}

// Watcher is an optional interface of a Broadcaster that knows whether a
// message published to a topic can reach anyone (a subscriber, or history
// kept for replay), so that publishers may skip the ones that cannot.
// Broadcasters of several nodes, which cannot know about the other nodes'
// subscribers, do not implement it.
//
// Watched is asked about b, the broadcaster that will publish, because
// embedding carries methods along: a type that embeds *Memory and
// overrides Publish also has Memory's Watched, yet its Publish may do
// something with every message (feed a hub of its own, log, forward). An
// implementation answers false only when b is itself, or a decorator
// whose Publish it knows; for any other b it answers true ("I don't
// know" is "publish"). A decorator that wants the optimisation implements
// Watched itself and asks the broadcaster it wraps about that one:
//
//	func (d *myDecorator) Watched(b broadcast.Broadcaster, topic string) bool {
//		if b != broadcast.Broadcaster(d) {
//			return true
//		}
//		w, ok := d.next.(broadcast.Watcher)
//		return !ok || w.Watched(d.next, topic)
//	}
type Watcher interface {
	Watched(b Broadcaster, topic string) bool
}

// IsWatched reports whether a message b publishes to topic may reach
// anyone: false only when b is a Watcher that says so.
func IsWatched(b Broadcaster, topic string) bool {
	w, ok := b.(Watcher)
	return !ok || w.Watched(b, topic)
}

// UniqueTopics returns topics without duplicates and empty strings, in
// their order: what every Broadcaster's Subscribe (and the SSE handler)
// subscribes to.
func UniqueTopics(topics []string) []string {
	out := make([]string, 0, len(topics))
	for _, t := range topics {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
