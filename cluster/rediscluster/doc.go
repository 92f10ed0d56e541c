// Package rediscluster is a cluster.Backplane on Redis, using the host's
// own redis.UniversalClient.
//
// Presence: a key per charge point, <prefix>cp:<identity> = "<incarnation>
// <node>", and a key per node, <prefix>node:<node> = <incarnation> with a
// TTL that the node's heartbeat renews (one SET per node every TTL/3,
// however many charge points it holds). A claim counts while the node key
// holds the claim's incarnation: when a node dies its key expires and all
// its claims with it; when it restarts under the same name, its new
// incarnation makes the old claims void at once. Claim, Owner and Release
// are Lua scripts (one round trip each, atomic).
//
// Routing: each node subscribes to <prefix>ch:<node>; each Backplane
// instance to its own reply channel <prefix>inbox:<instance>. A request is
// one PUBLISH to the node's channel (whose receiver count tells at once
// whether the node is there), its reply one PUBLISH to the sender's inbox.
//
// A node's name is its own while its channel has a subscriber: Join
// publishes a probe on the channel and refuses the name when a subscriber
// received it (cluster.ErrJoined), under a short lock key
// <prefix>join:<node> so that of two processes joining under one name at
// once only one succeeds. A process that died loses its subscription with
// its connection.
//
// The scripts touch keys they compute, so on Redis Cluster give Prefix a
// hash tag (for example "{ocppkit}:cluster:") to keep every key in one
// slot.
package rediscluster
