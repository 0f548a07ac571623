package assembly_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"maeul/assembly"
)

// quadrantJPEG is a 400×200 JPEG: red top left, green top right, blue
// bottom left, yellow bottom right; with an APP1 Exif segment carrying
// orientation o (none when o is 0) inserted after the SOI marker.
func quadrantJPEG(t testing.TB, o int, littleEndian bool) []byte {
	t.Helper()
	const w, h = 400, 200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			switch {
			case x >= w/2 && y < h/2:
				c = color.RGBA{0, 255, 0, 255}
			case x < w/2 && y >= h/2:
				c = color.RGBA{0, 0, 255, 255}
			case x >= w/2 && y >= h/2:
				c = color.RGBA{255, 255, 0, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if o == 0 {
		return b.Bytes()
	}
	var bo binary.AppendByteOrder = binary.BigEndian
	tiff := []byte("MM\x00*")
	if littleEndian {
		bo, tiff = binary.LittleEndian, []byte("II*\x00")
	}
	tiff = bo.AppendUint32(tiff, 8)
	tiff = bo.AppendUint16(tiff, 2) // two entries: another tag, then the orientation
	tiff = bo.AppendUint16(tiff, 0x010F)
	tiff = bo.AppendUint16(tiff, 2)
	tiff = bo.AppendUint32(tiff, 4)
	tiff = append(tiff, "LG\x00\x00"...)
	tiff = bo.AppendUint16(tiff, 0x0112)
	tiff = bo.AppendUint16(tiff, 3)
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, uint16(o))
	tiff = append(tiff, 0, 0)
	tiff = bo.AppendUint32(tiff, 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	data := b.Bytes()
	return append(append(append([]byte{}, data[:2]...), app1...), data[2:]...)
}

// colourAt names the nearest of the four colours at (x, y).
func colourAt(img image.Image, x, y int) string {
	r, g, b, _ := img.At(x, y).RGBA()
	hi := func(v uint32) bool { return v > 0x8000 }
	switch {
	case hi(r) && hi(g) && !hi(b):
		return "yellow"
	case hi(r) && !hi(g) && !hi(b):
		return "red"
	case !hi(r) && hi(g) && !hi(b):
		return "green"
	case !hi(r) && !hi(g) && hi(b):
		return "blue"
	}
	return "other"
}

// TestPhotoOrientation: a phone photo with EXIF orientation 6 (the camera
// held upright, the sensor's rows running down the picture's right side) is
// stored turned a quarter clockwise, so it stands upright; the other
// orientations likewise, in either byte order.
func TestPhotoOrientation(t *testing.T) {
	cases := []struct {
		o          int
		little     bool
		w, h       int
		tl, tr, bl string
	}{
		{0, false, 400, 200, "red", "green", "blue"},
		{1, false, 400, 200, "red", "green", "blue"},
		{2, false, 400, 200, "green", "red", "yellow"},
		{3, false, 400, 200, "yellow", "blue", "green"},
		{4, true, 400, 200, "blue", "yellow", "red"},
		{5, false, 200, 400, "red", "blue", "green"},
		{6, false, 200, 400, "blue", "red", "yellow"},
		{6, true, 200, 400, "blue", "red", "yellow"},
		{7, true, 200, 400, "yellow", "green", "blue"},
		{8, false, 200, 400, "green", "yellow", "red"},
	}
	for _, c := range cases {
		out, w, h, err := assembly.ResizePhoto(quadrantJPEG(t, c.o, c.little))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if w != c.w || h != c.h || b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("orientation %d: %d×%d (image %d×%d), want %d×%d", c.o, w, h, b.Dx(), b.Dy(), c.w, c.h)
			continue
		}
		got := [3]string{colourAt(img, 10, 10), colourAt(img, w-10, 10), colourAt(img, 10, h-10)}
		if got != [3]string{c.tl, c.tr, c.bl} {
			t.Errorf("orientation %d (little endian %v): corners %v, want %v", c.o, c.little, got, [3]string{c.tl, c.tr, c.bl})
		}
	}
}
