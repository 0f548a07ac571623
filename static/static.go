// Package static embeds the CSS, JavaScript, images, templates and the
// message catalogue, so the service is one binary.
package static

import "embed"

// Assets are served under content-hashed URLs (see web.Assets).
//
//go:embed css js img
var Assets embed.FS

// Templates holds every page template; all are parsed at boot.
//
//go:embed templates
var Templates embed.FS

// Messages holds the message catalogue: one JSON file per area, each
// mapping a key to its Korean and English text.
//
//go:embed messages/*.json
var Messages embed.FS
