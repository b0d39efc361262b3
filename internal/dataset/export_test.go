package dataset

// SyncKinds exposes syncKinds: Sync with the built-in kinds given.
var SyncKinds = syncKinds
