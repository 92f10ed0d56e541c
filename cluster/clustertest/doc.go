// Package clustertest is the conformance suite every cluster.Backplane
// passes: presence (claims, takeover, release, expiry after a crash, new
// incarnations) and routing (requests, replies, errors, large payloads,
// concurrency). An adapter's test calls Exercise with a function returning
// instances of one deployment, as separate processes would hold them.
package clustertest
