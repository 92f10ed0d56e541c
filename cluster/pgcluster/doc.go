// Package pgcluster is a cluster.Backplane on PostgreSQL, using the host's
// own *pgxpool.Pool.
//
// Presence lives in two tables (create them with Migrate): one row per
// node, ocpp_cluster_nodes(node, incarnation, expires_at), which the node's
// heartbeat pushes forward (one UPDATE per node every TTL/3, however many
// charge points it holds), and one row per charge point,
// ocpp_cluster_presence(identity, node, incarnation). A claim counts while
// its node's row holds the claim's incarnation and has not expired, so
// when a node dies all its claims expire with its row, and a node restarted
// under the same name voids the claims of its previous life. Expiry uses
// the database's clock, never the nodes'.
//
// Routing uses LISTEN/NOTIFY on one dedicated connection per Backplane
// instance (taken from the pool and kept): a channel per node and one
// reply channel per instance. A NOTIFY payload must stay under 8000 bytes:
// a request or reply that would not fit is written to
// ocpp_cluster_messages and only its id is notified (send ids, not rows);
// the receiver deletes the row as it reads it.
//
// A node's name is its own while the listener connection holds a session
// advisory lock on it (pg_try_advisory_lock of a hash of Prefix and name):
// Join refuses a name whose lock another session holds (cluster.ErrJoined),
// and the lock of a process that died goes with its connection. When the
// listener connection breaks, the next one takes the locks again before it
// listens; a name another process took meanwhile is logged at Error and
// that node stops receiving requests.
//
// PostgreSQL cannot tell a sender that no one listens on a channel, so a
// request to a node that has just died waits until its context ends; the
// router asks only live nodes (Owner checks the heartbeat row).
//
// The tables live in the pool's search_path; channels are global to the
// database, so deployments sharing a database use different Prefixes.
package pgcluster
