package pgcluster

// NameKey exposes the text whose hash is a node name's advisory lock.
func NameKey(b *Backplane, name string) string { return b.nameKey(name) }
