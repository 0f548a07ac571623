package assembly

import (
	"encoding/binary"
	"image"
	"image/color"
)

// jpegInfo is what ResizePhoto reads from a JPEG's markers before decoding:
// the EXIF orientation (1 when absent or unreadable), whether the frame is
// progressive (its decoder then keeps every coefficient, 4 bytes a sample),
// and each component's sampling factors.
type jpegInfo struct {
	Orientation int
	Progressive bool
	Sampling    [][2]int // h, v of each component
}

// maxMarkerBytes bounds how far readJPEGInfo walks: the markers that matter
// come before the scan, within the first segments.
const maxMarkerBytes = 1 << 20

// readJPEGInfo walks a JPEG's markers up to the first scan (SOS) and reads
// the orientation from an APP1 Exif segment (IFD0, tag 0x0112) and the frame
// header. Anything malformed leaves the defaults; it never reads past data.
func readJPEGInfo(data []byte) jpegInfo {
	info := jpegInfo{Orientation: 1}
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return info
	}
	i := 2
	for i+4 <= len(data) && i < maxMarkerBytes {
		if data[i] != 0xFF {
			return info
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			i += 2 // markers without a length
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return info
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return info
		}
		seg := data[i+4 : i+2+n]
		switch {
		case marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00":
			if o := exifOrientation(seg[6:]); o != 0 {
				info.Orientation = o
			}
		case marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
			info.Progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE
			if len(seg) >= 6 {
				nc := int(seg[5])
				info.Sampling = nil
				for c := 0; c < nc && 6+3*c+2 < len(seg); c++ {
					hv := seg[6+3*c+1]
					info.Sampling = append(info.Sampling, [2]int{int(hv >> 4), int(hv & 15)})
				}
			}
		}
		i += 2 + n
	}
	return info
}

// exifOrientation reads tag 0x0112 of IFD0 from a TIFF structure (the body
// of an Exif segment). It returns 1–8, or 0 when absent or malformed.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := bo.Uint32(tiff[4:])
	if off < 8 || uint64(off)+2 > uint64(len(tiff)) {
		return 0
	}
	n := int(bo.Uint16(tiff[off:]))
	p := int(off) + 2
	for k := 0; k < n && k < 1000 && p+12 <= len(tiff); k, p = k+1, p+12 {
		if bo.Uint16(tiff[p:]) != 0x0112 {
			continue
		}
		typ, count := bo.Uint16(tiff[p+2:]), bo.Uint32(tiff[p+4:])
		if typ != 3 || count != 1 { // one SHORT, stored in the entry
			return 0
		}
		if v := int(bo.Uint16(tiff[p+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 0
	}
	return 0
}

// decodeCost estimates the bytes image.Decode will allocate for an image of
// that header: the pixel buffer in its own model (a 16-bit PNG keeps 8 bytes
// a pixel), and for a JPEG each component's plane, plus, when progressive,
// its coefficients (4 bytes a sample).
func decodeCost(cfg image.Config, format string, info jpegInfo) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	if format == "jpeg" {
		hmax, vmax := 1, 1
		for _, s := range info.Sampling {
			hmax, vmax = max(hmax, s[0]), max(vmax, s[1])
		}
		per := int64(1)
		if info.Progressive {
			per += 4
		}
		if len(info.Sampling) == 0 {
			return px * 4 * per // unknown: as if four full planes
		}
		var total int64
		for _, s := range info.Sampling {
			h, v := max(1, s[0]), max(1, s[1])
			total += px * int64(h*v) / int64(hmax*vmax) * per
		}
		// Go decodes CMYK and YCCK JPEGs to 4 bytes a pixel as well.
		if len(info.Sampling) == 4 {
			total += px * 4
		}
		return total
	}
	switch cfg.ColorModel {
	case color.RGBA64Model, color.NRGBA64Model:
		return px * 8
	case color.Gray16Model:
		return px * 2
	case color.GrayModel, color.AlphaModel:
		return px
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return px * 4
	}
	if _, ok := cfg.ColorModel.(color.Palette); ok {
		return px
	}
	return px * 8
}

// orient turns an image stored as orientation o (EXIF 1–8) upright.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			si := src.PixOffset(b.Min.X+sx, b.Min.Y+sy)
			copy(dst.Pix[dst.PixOffset(x, y):], src.Pix[si:si+4])
		}
	}
	return dst
}
