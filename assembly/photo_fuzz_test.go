package assembly

import (
	"bytes"
	"image"
	"testing"
)

// FuzzPhotoHeader feeds arbitrary bytes to the header readers that run
// before any pixel is decoded (the JPEG marker walk, the EXIF orientation,
// DecodeConfig and the cost estimate): no panic, an orientation in 1–8, and
// a cost that is never negative.
func FuzzPhotoHeader(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x1cExif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\xff\xda"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x1cExif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x08\x00\x00\x00\xff\xd9"))
	f.Add([]byte("\xff\xd8\xff\xc2\x00\x11\x08\x10\x00\x10\x00\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xda"))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x1f@\x00\x00\x17p\x10\x06\x00\x00\x00"))
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info := readJPEGInfo(data)
		if info.Orientation < 1 || info.Orientation > 8 {
			t.Fatalf("orientation %d", info.Orientation)
		}
		if o := exifOrientation(data); o < 0 || o > 8 {
			t.Fatalf("exifOrientation %d", o)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return
		}
		if cfg.Width < 0 || cfg.Height < 0 {
			return // refused by ResizePhoto before the estimate
		}
		if c := decodeCost(cfg, format, info); c < 0 {
			t.Fatalf("cost %d for %+v %s %+v", c, cfg, format, info)
		}
	})
}
