// Package migrations embeds the numbered SQL files that build the schema.
// Files are append-only: a released migration is never edited.
package migrations

import "embed"

// FS holds every migration, applied in order by goose.
//
//go:embed *.sql
var FS embed.FS
