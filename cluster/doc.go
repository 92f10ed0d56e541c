// Package cluster runs several ocppkit nodes behind a load balancer: a
// Backplane knows which node holds which charge point's socket (presence)
// and carries requests between nodes (routing); a Router is one node's side
// of it, and a remote.Caller that reaches a charge point wherever it is
// connected.
//
// # Presence
//
// A node that accepts a charge point claims it (Backplane.Claim); a node
// whose socket closes releases it, unless another node has claimed it
// since. A node's claims live as long as the node does: each node writes a
// heartbeat, once per period whatever the number of its charge points, and
// when it dies the heartbeat stops and every claim it made expires after
// the TTL. A node restarted under the same name is a new incarnation: the
// claims of its previous life no longer count.
//
// # Node names
//
// A node name is unique among live nodes: Backplane.Join refuses a name a
// live node uses (ErrJoined), in this process or another, since two nodes
// under one name would take each other's requests and claims. "Live" is
// the engine's view of the node's connection (Redis: its subscription to
// the node's channel; PostgreSQL: a session advisory lock held by the
// listener connection), so a crashed process's name is free again within
// moments, and a node restarted under its old name is a new incarnation.
// ocppkit.New derives a free name when the host sets none (see
// ocppkit.Config.NodeID).
//
// # Routing
//
// Router.Call sends a CALL on the local socket when the charge point is
// connected to this node; otherwise it looks up the owner and forwards the
// CALL there (Backplane.Send); the owner sends it on its socket and the
// reply, or the CALLERROR, "not connected" or timeout, comes back as the
// same error it would have been locally.
//
// # Takeover
//
// When a charge point connects to node B while node A still holds a socket
// for it (A restarted slowly, the load balancer moved the charge point, the
// old TCP connection is half-open), B's claim returns A, and B tells A to
// close its socket and waits for A's disconnect to be recorded before it
// records its own connect. The database's connected flag is guarded by the
// connection time, so a late disconnect of A never marks the charge point
// disconnected after B marked it connected.
//
// # Implementations
//
// Memory serves several nodes in one process (tests, examples). The
// adapters in the leaf packages take the host's own client:
// cluster/rediscluster (Redis: pub/sub channel per node, keys with a TTL)
// and cluster/pgcluster (PostgreSQL: LISTEN/NOTIFY on one dedicated
// connection, a presence table and a node heartbeat row). All pass
// clustertest.Exercise. This package never imports them.
//
// Wire it with ocppkit.Config.Cluster; broadcasts across nodes are the
// Broadcaster's job (broadcast/redisbroadcast, broadcast/pgbroadcast).
package cluster
