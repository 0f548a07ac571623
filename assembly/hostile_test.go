package assembly_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// maxGrowth is how far one hostile upload may raise the service's heap.
const maxGrowth = 50 << 20

// sixteenBitPNG writes a w×h 16-bit RGBA PNG of zeros by hand, streaming the
// rows through zlib, so the test never holds the w×h×8 bytes the decoder
// would: 8000×6000 compresses to about 400 KB.
func sixteenBitPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // 16 bits per sample, RGBA
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+w*8) // filter byte 0, then zeros
	for range h {
		z.Write(row)
	}
	z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// TestHostileUploads sends, through the real server, the small files that
// used to cost hundreds of megabytes (a 16-bit PNG that is almost all
// zeros; an agenda sheet padded to the last column and the last row) and
// checks each is refused with a 422 saying why, with the heap never more
// than 50 MB above where it stood.
func TestHostileUploads(t *testing.T) {
	e := servertest.Start(t)
	host := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, host, assemblyBody())
	g := addAgenda(t, host, a.ID, map[string]any{"title": "놀이터 그늘막", "cost": 1_000_000})

	check := func(t *testing.T, what string, size int, send func() *servertest.Response, wantMsg string) {
		t.Helper()
		var res *servertest.Response
		base, peak := servertest.PeakHeap(func() { res = send() })
		grew := int64(peak) - int64(base)
		t.Logf("%s (%d bytes): status %d, heap +%.1f MB", what, size, res.Status, float64(grew)/(1<<20))
		if res.Status != 422 || !bytes.Contains(res.Body, []byte(wantMsg)) {
			t.Errorf("%s: status %d, want 422 saying %q: %.300s", what, res.Status, wantMsg, res.Body)
		}
		if grew > maxGrowth {
			t.Errorf("%s: heap grew %.1f MB, want at most %d MB", what, float64(grew)/(1<<20), maxGrowth>>20)
		}
	}

	t.Run("16-bit PNG", func(t *testing.T) {
		png := sixteenBitPNG(t, 8000, 6000)
		path := "/api/v1/assemblies/" + a.ID + "/agendas/" + g.ID + "/photos"
		check(t, "16-bit PNG 8000×6000", len(png), func() *servertest.Response {
			return apiUpload(t, e, host.Token, path, png)
		}, "메모리")
	})
	t.Run("agenda sheet to the last column and row", func(t *testing.T) {
		header := []string{"사업명", "사업내용", "위치", "사업비 (원)"}
		row := []string{"골목길 조명", "조명 설치", "주택가 골목", "1000000"}
		x := servertest.FarColumnXLSX(t, header, row, 1500)
		check(t, "agenda .xlsx", len(x), func() *servertest.Response {
			return sendFile(t, e, host.Token, "/api/v1/assemblies/"+a.ID+"/agendas/import", "agendas.xlsx", x)
		}, "행까지만")
	})
	t.Run("agenda CSV of commas", func(t *testing.T) {
		csv := append([]byte("사업명,사업내용,위치,사업비 (원)\n골목길 조명,조명 설치,주택가 골목,1000000"), bytes.Repeat([]byte{','}, 4<<20)...)
		check(t, "agenda .csv with 4 M commas", len(csv), func() *servertest.Response {
			return sendFile(t, e, host.Token, "/api/v1/assemblies/"+a.ID+"/agendas/import", "agendas.csv", csv)
		}, "한 줄이 너무")
	})
}
