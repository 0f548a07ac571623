package result

import (
	"strconv"

	"maeul/format"
)

// The formats the domain writes into stored content (the submission, the
// audit log, the Pabulib file, the recount): maeul/format's, the same the
// pages show.
var (
	seoul   = format.Seoul
	group   = format.Group
	won     = format.Won
	million = format.Million
)

// parseID reads an opaque id; 0 when it is not one.
func parseID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
